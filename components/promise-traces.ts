const INSTALLED = Symbol("flux-gitops: unread promise traces skipped");

type Format = NonNullable<typeof Error.prepareStackTrace> & { [INSTALLED]?: true };

/**
 * Pulumi's SDK records a stack trace for every promise it makes (`debuggablePromise`), shown only
 * in the leak report of `PULUMI_DEBUG_PROMISE_LEAKS`. Under ts-node each is formatted through the
 * source maps, a cost every preview pays (bench/README.md). Without that variable those traces
 * are left empty; every other stack trace is formatted as before.
 */
export function skipUnreadPromiseTraces(env: NodeJS.ProcessEnv = process.env): void {
    const format = Error.prepareStackTrace as Format | undefined;
    // Without source maps V8 formats traces natively, and cheaply; a second program run in the
    // same process (the tests) finds it done.
    if (format === undefined || format[INSTALLED] || env.PULUMI_DEBUG_PROMISE_LEAKS) return;
    const skipping: Format = (error, frames) =>
        frames[0]?.getFunctionName() === "debuggablePromise" ? "" : format(error, frames);
    skipping[INSTALLED] = true;
    Error.prepareStackTrace = skipping;
}
