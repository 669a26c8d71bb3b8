export * from "./adoption";
export * from "./flux-install";
export * from "./git-source";
export * from "./layers";
export * from "./sops-age-secret";
export * from "./oci-source";
export * from "./notifications";
export * from "./receiver";
