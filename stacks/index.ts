/** The per-environment stack configuration, validation only: each stack's config read, checked and typed. */
export * from "./defaults";
export * from "./errors";
export * from "./load";
export {
    checkGitUrl,
    configKey,
    parseStackConfig,
    RawConfig,
    RawValue,
    SECRET_KEYS,
} from "./parse";
export { ParsedConfig } from "./parsed";
export { isProviderSecretKey, isSecretKeyName } from "./secret-keys";
export { neededComponents, NeededComponent } from "./sections/across";
export * from "./types";
