// Lint: typescript-eslint's recommended rules plus Pulumi's Output-in-template-literal checks.
import pulumi from "@pulumi/eslint-plugin";
import tseslint from "typescript-eslint";

export default tseslint.config(
    {
        ignores: [
            "node_modules/**",
            "bin/**",
            "tests/toolchain/**",
            "stacks/flux-crd-validators.js",
        ],
    },
    ...tseslint.configs.recommended,
    {
        files: ["**/*.ts"],
        languageOptions: {
            parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
        },
        plugins: { pulumi },
        rules: {
            "pulumi/no-output-in-template-literal": "error",
            "pulumi/no-output-instance-in-template-literal": "error",
            "@typescript-eslint/no-explicit-any": "off",
            "@typescript-eslint/no-require-imports": "off",
            "@typescript-eslint/no-unused-vars": [
                "error",
                { varsIgnorePattern: "^_", argsIgnorePattern: "^_" },
            ],
        },
    },
    // The CommonJS launcher of cli/ that registers the TypeScript loader, and the benchmarks'
    // plain scripts (a preload for the program's node process, a profile summary).
    {
        files: ["cli/run.js", "bench/*.js"],
        rules: { "@typescript-eslint/no-require-imports": "off" },
    },
);
