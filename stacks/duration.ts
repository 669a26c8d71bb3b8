/** Flux's duration pattern (the CRDs' `^([0-9]+(\.[0-9]+)?(ms|s|m|h))+$`). */
export const DURATION_PATTERN = /^([0-9]+(\.[0-9]+)?(ms|s|m|h))+$/;

const UNIT_SECONDS: Record<string, number> = { ms: 0.001, s: 1, m: 60, h: 3600 };

/** Seconds in a duration that matches {@link DURATION_PATTERN}, rounded up to a whole second. */
export function durationSeconds(duration: string): number {
    if (!DURATION_PATTERN.test(duration)) {
        throw new Error(`not a Flux duration: ${JSON.stringify(duration)}`);
    }
    let total = 0;
    for (const m of duration.matchAll(/([0-9]+(?:\.[0-9]+)?)(ms|s|m|h)/g)) {
        total += Number(m[1]) * UNIT_SECONDS[m[2]];
    }
    return Math.ceil(total);
}
