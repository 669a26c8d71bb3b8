export * from "./defaults";
export * from "./errors";
export * from "./load";
export {
    checkGitUrl,
    configKey,
    parseStackConfig,
    ParsedConfig,
    RawConfig,
    RawValue,
    SECRET_KEYS,
} from "./parse";
export * from "./types";
export { durationSeconds, DURATION_PATTERN } from "../flux/duration";
export { checkFluxUpgrade, UpgradeRefusedError } from "../prepare/upgrade-check";
export { LiveCrdReader, setLiveCrdReader } from "../prepare/live-crds";
