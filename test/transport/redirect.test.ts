import { expect } from 'chai';
import { decideRedirect, type RedirectMode } from '../../src/transport/redirect.ts';

describe('decideRedirect', () => {
  const from = new URL('https://api.example/v1/organization/projects/p/api_keys/k');
  const cases: {
    description: string;
    method?: string;
    status: number;
    location?: string;
    mode?: RedirectMode;
    want: { follow: boolean; method?: string; keepBody?: boolean; url?: string };
  }[] = [
    { description: 'a 200 is no redirect', status: 200, location: '/x', want: { follow: false } },
    { description: 'a 3xx without Location', status: 302, want: { follow: false } },
    { description: 'a 304 is no redirect', status: 304, location: '/x', want: { follow: false } },
    {
      description: 'same origin, relative Location',
      status: 301,
      location: '/v1/keys/k2',
      want: { follow: true, url: 'https://api.example/v1/keys/k2', method: 'GET', keepBody: true },
    },
    {
      description: 'same origin, absolute Location',
      status: 308,
      method: 'PUT',
      location: 'https://api.example/v2/k',
      want: { follow: true, url: 'https://api.example/v2/k', method: 'PUT', keepBody: true },
    },
    {
      description: 'another host',
      status: 302,
      location: 'https://evil.example/collect',
      want: { follow: false },
    },
    {
      description: 'another port',
      status: 307,
      location: 'https://api.example:8443/v1',
      want: { follow: false },
    },
    {
      description: 'another scheme',
      status: 301,
      location: 'http://api.example/v1',
      want: { follow: false },
    },
    { description: 'manual mode', status: 302, location: '/v1/x', mode: 'manual', want: { follow: false } },
    {
      description: '303 turns POST into GET and drops the body',
      status: 303,
      method: 'POST',
      location: '/v1/done',
      want: { follow: true, method: 'GET', keepBody: false },
    },
    {
      description: '302 turns POST into GET',
      status: 302,
      method: 'POST',
      location: '/v1/done',
      want: { follow: true, method: 'GET', keepBody: false },
    },
    {
      description: '307 keeps POST and its body',
      status: 307,
      method: 'POST',
      location: '/v1/again',
      want: { follow: true, method: 'POST', keepBody: true },
    },
    {
      description: '303 keeps HEAD',
      status: 303,
      method: 'HEAD',
      location: '/v1/h',
      want: { follow: true, method: 'HEAD' },
    },
    { description: 'an unusable Location', status: 302, location: 'http://[::1', want: { follow: false } },
  ];
  for (const { description, method = 'GET', status, location, mode = 'follow', want } of cases) {
    it(`${want.follow ? 'follows' : 'does not follow'}: ${description}`, () => {
      const decision = decideRedirect(from, method, status, location, mode);
      const { url, ...rest } = want;
      expect(decision).to.include(rest);
      if (url) expect(decision.follow && decision.url.href).to.equal(url);
    });
  }

  it('says why a redirect to another origin was not followed, naming only the origin', () => {
    const decision = decideRedirect(from, 'GET', 302, 'https://evil.example/collect?k=1', 'follow');
    expect(decision.note).to.equal(
      "redirect to https://evil.example not followed: another origin must not receive the request's credentials",
    );
  });
});
