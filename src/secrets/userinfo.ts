// A URL shown in a message never carries its userinfo (`user:password@`), even when it does not parse:
// `http://u:pass@bro ker` is not a URL, and repeating it as given would print the password.

/**
 * `url` without its userinfo. A URL with a host loses its username and password; any other text loses
 * everything between its scheme (or its start) and its last `@`, which is where userinfo ends whatever
 * characters the password holds. More may go than was userinfo (a path with an `@`); never less.
 */
export function withoutUserinfo(url: string): string {
  const parsed = URL.canParse(url) ? new URL(url) : undefined;
  if (parsed && parsed.host !== '') {
    if (parsed.username === '' && parsed.password === '') return url;
    parsed.username = '';
    parsed.password = '';
    return parsed.href;
  }
  const at = url.lastIndexOf('@');
  if (at < 0) return url;
  const scheme = /^\s*[A-Za-z][A-Za-z0-9+.-]*:(?:\/\/)?/.exec(url)?.[0] ?? '';
  return `${scheme}${url.slice(at + 1)}`;
}
