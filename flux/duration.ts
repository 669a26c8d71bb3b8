/** Flux's duration pattern (the CRDs' `^([0-9]+(\.[0-9]+)?(ms|s|m|h))+$`). */
export const DURATION_PATTERN = /^([0-9]+(\.[0-9]+)?(ms|s|m|h))+$/;

const UNIT_SECONDS: Record<string, number> = { ms: 0.001, s: 1, m: 60, h: 3600 };
const UNIT_NANOS: Record<string, bigint> = {
    ms: 1_000_000n,
    s: 1_000_000_000n,
    m: 60_000_000_000n,
    h: 3_600_000_000_000n,
};

/** Go's time.Duration is an int64 of nanoseconds; longer texts fail to parse in the controllers. */
const MAX_DURATION_NANOS = 2n ** 63n - 1n;
export const MAX_DURATION_TEXT = "2562047h47m16s";

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

/**
 * Nanoseconds in a duration that matches {@link DURATION_PATTERN}, as Go's
 * time.ParseDuration counts them (fractions truncated to the nanosecond).
 */
function durationNanos(duration: string): bigint {
    let total = 0n;
    for (const m of duration.matchAll(/([0-9]+)(?:\.([0-9]+))?(ms|s|m|h)/g)) {
        const unit = UNIT_NANOS[m[3]];
        total += BigInt(m[1]) * unit;
        if (m[2] !== undefined) {
            // Beyond 18 digits the fraction cannot change a whole nanosecond of any unit.
            const digits = m[2].slice(0, 18);
            total += (BigInt(digits) * unit) / 10n ** BigInt(digits.length);
        }
    }
    return total;
}

/** Why the controllers would not take `duration` as a period of time, or undefined. */
export function durationRangeProblem(duration: string): string | undefined {
    const nanos = durationNanos(duration);
    if (nanos === 0n) return "it is zero: Flux would never wait, retry or time out as meant";
    if (nanos > MAX_DURATION_NANOS) {
        return `it is longer than ${MAX_DURATION_TEXT}, the longest duration Go can hold`;
    }
    return undefined;
}
