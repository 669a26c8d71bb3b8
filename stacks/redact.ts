/**
 * A URL (or scp-style address) with the parts that can hold credentials
 * replaced by `***`: user-info (except a bare SSH user such as `git@`), the
 * query and the fragment. Works on any text, parseable or not, so it can be
 * applied before any other check of the value.
 */
export function redactUrl(text: string): string {
    const m = /^([a-zA-Z][a-zA-Z0-9+.-]*:\/\/)?([^/?#]*@)?([^?#]*)([?#].*)?$/s.exec(text);
    if (m === null) return text;
    const [, scheme = "", userInfo = "", rest, query] = m;
    const sshUser = (scheme === "" || /^ssh:\/\/$/i.test(scheme)) && !userInfo.includes(":");
    const user = userInfo === "" || sshUser ? userInfo : "***@";
    return `${scheme}${user}${rest}${query === undefined ? "" : `${query[0]}***`}`;
}

/** Whether {@link redactUrl} hides anything of `text`. */
export function mayHoldCredentials(text: string): boolean {
    return redactUrl(text) !== text;
}
/**
 * `text` without the manifest's location when the flux key is stored as a
 * secret: the location is then as confidential as the rest of the key.
 */
export function hideManifest(
    secret: boolean,
    manifest: { path: string; shown: string },
    text: string,
): string {
    if (!secret) return text;
    return text.split(manifest.path).join("[secret]").split(manifest.shown).join("[secret]");
}
