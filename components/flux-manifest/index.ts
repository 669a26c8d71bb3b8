export * from "./args";
export * from "./build";
export * from "./images";
export * from "./objects";
export * from "./patches";
export * from "./scheduling";
export * from "./select";
export * from "./source";
