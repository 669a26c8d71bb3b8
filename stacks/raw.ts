/** One config value as Pulumi holds it: parsed JSON for structured values, and whether it is a secret. */
export interface RawValue {
    value: unknown;
    secret: boolean;
}

/** The stack's config values, keyed without the project prefix (`layers`, `ageKey`, …). */
export type RawConfig = Record<string, RawValue | undefined>;
