/**
 * Why `git check-ref-format` would refuse `ref`, or undefined. `kind` says
 * which ref it is: a branch or tag name (one level allowed, as
 * `--branch`/`--allow-onelevel`), or a full `name` such as refs/heads/main.
 */
export function refNameProblem(ref: string, kind: "branch" | "tag" | "name"): string | undefined {
    if (ref === "") return "it is empty";
    if (ref === "@") return "it is the single character @";
    if (kind === "branch" && ref.startsWith("-")) return "a branch cannot start with '-'";
    if (kind === "branch" && ref === "HEAD") return "HEAD is not a branch name";
    if (kind === "name" && !ref.startsWith("refs/")) {
        return "a full reference starts with refs/ (refs/heads/main, refs/tags/v1.0.0, refs/pull/1/head)";
    }
    const bad = /[\x00-\x20\x7f~^:?*[\\]/.exec(ref);
    if (bad !== null) return `it contains ${JSON.stringify(bad[0])}, which Git does not allow`;
    if (ref.includes("..")) return "it contains '..'";
    if (ref.includes("@{")) return "it contains '@{'";
    if (ref.startsWith("/") || ref.endsWith("/") || ref.includes("//")) {
        return "it starts or ends with '/' or contains '//'";
    }
    if (ref.endsWith(".")) return "it ends with '.'";
    for (const part of ref.split("/")) {
        if (part.startsWith(".")) return `the part \`${part}\` starts with '.'`;
        if (part.endsWith(".lock")) return `the part \`${part}\` ends with '.lock'`;
    }
    return undefined;
}
