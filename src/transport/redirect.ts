// Which redirects the policy follows. Credentials go to the origin they were meant for and nowhere else,
// so a redirect to another origin is never followed: the 3xx is what the caller gets, with a note.

export const REDIRECT_STATUSES: readonly number[] = [301, 302, 303, 307, 308];

export type RedirectMode = 'follow' | 'manual' | 'error';

export type RedirectDecision =
  | { follow: false; note?: string }
  | { follow: true; url: URL; method: string; keepBody: boolean; note: string };

/** What to do with a response to `method url` that has `status` and `location`. */
export function decideRedirect(
  url: URL,
  method: string,
  status: number,
  location: string | undefined,
  mode: RedirectMode,
): RedirectDecision {
  if (!REDIRECT_STATUSES.includes(status) || location === undefined || mode === 'manual')
    return { follow: false };
  let next: URL;
  try {
    next = new URL(location, url);
  } catch {
    return { follow: false, note: `redirect not followed: unusable Location` };
  }
  if (next.origin !== url.origin) {
    return {
      follow: false,
      note: `redirect to ${next.origin} not followed: another origin must not receive the request's credentials`,
    };
  }
  // As fetch does: 303 turns anything but HEAD into GET, and 301/302 turn POST into GET; both drop the body.
  const becomesGet =
    (status === 303 && method !== 'HEAD') || ((status === 301 || status === 302) && method === 'POST');
  const nextMethod = becomesGet ? 'GET' : method;
  return {
    follow: true,
    url: next,
    method: nextMethod,
    keepBody: !becomesGet,
    note: `same-origin redirect to ${next.pathname} followed`,
  };
}
