import { z } from "zod";
import { SECTION_SCHEMAS } from "./config-schema";
import { DURATION_PATTERN, MAX_DURATION_TEXT } from "../flux/duration";
import { docOf, FieldDoc } from "./schema";
import { PROVIDER_SECRET_KEY_ENTRY, PROVIDER_SECRET_KEYS, SECRET_KEYS } from "./secret-keys";
import { TAKEOVER_DOC } from "./sections/takeover";

/**
 * docs/configuration.md, generated from the schemas (`npm run gen:config-docs`):
 * one table per structured key, `takeover`, and the secret keys.
 */
export function configReference(): string {
    const sections = Object.entries(SECTION_SCHEMAS).map(([name, schema]) => section(name, schema));
    return (
        [
            "# Configuration reference",
            INTRO,
            ...sections,
            "## `takeover`",
            table([row("takeover", TAKEOVER_DOC)]),
            "## Secret keys",
            SECRETS_INTRO,
            table([
                ...Object.entries(SECRET_KEYS).map(([key, s]) => row(key, secretDoc(s))),
                ...Object.entries(PROVIDER_SECRET_KEYS).map(([f, s]) =>
                    row(`${PROVIDER_SECRET_KEY_ENTRY}${f}`, secretDoc(s)),
                ),
            ]),
        ].join("\n\n") + "\n"
    );
}

const INTRO = `Every key is under the project namespace \`flux-gitops:\`. Structured keys are YAML maps in
\`Pulumi.<stack>.yaml\`, or set one field at a time with \`pulumi config set --path\`, for example
\`pulumi config set --path 'layers.apps.interval' 5m\`. Secret keys are set with
\`pulumi config set --secret\`. A duration is a Flux duration (pattern
\`${DURATION_PATTERN.source}\`, such as \`10m0s\`, \`90s\` or \`1h30m\`), not zero and at most
\`${MAX_DURATION_TEXT}\`.`;

const SECRETS_INTRO = `Keys marked "must be \`--secret\`" are refused when stored in plain text. Set only the credentials
the source needs; the others are an error.`;

/** A key's table; a map of names (`layers`) has its entries' fields as rows. */
function section(name: string, schema: z.ZodObject): string {
    const { description: intro, entry } = docOf(schema) ?? {};
    const prefix = entry === undefined ? name : `${name}.${entry}`;
    const rows = fieldRows(prefix, schema);
    return [`## \`${name}\``, ...(intro === undefined ? [] : [intro]), table(rows)].join("\n\n");
}

/** A row per field; a field that is a map of documented objects, then a row per entry field. */
function fieldRows(prefix: string, schema: z.ZodObject): string[] {
    return Object.entries(schema.shape).flatMap(([key, field]) => {
        const doc = docOf(field) as FieldDoc;
        const at = doc.entry === undefined ? key : `${key}.${doc.entry}`;
        const own = row(`${prefix}.${at}`, {
            ...doc,
            type: typeOf(field),
            default: defaultOf(field),
        });
        const entries = entrySchema(field);
        return entries === undefined ? [own] : [own, ...fieldRows(`${prefix}.${at}`, entries)];
    });
}

/** The entries' schema of a map of objects whose fields are documented (inside optional and default). */
function entrySchema(s: z.ZodType): z.ZodObject | undefined {
    for (let t: z.ZodType | undefined = s; t !== undefined; t = inner(t)) {
        if (!(t instanceof z.ZodRecord) || !(t.valueType instanceof z.ZodObject)) continue;
        const entries = t.valueType;
        const documented = Object.values(entries.shape).every(
            (f) => docOf(f as z.ZodType)?.description !== undefined,
        );
        return documented ? entries : undefined;
    }
    return undefined;
}

function table(rows: string[]): string {
    return ["| Key | Type | Default | Description |", "|---|---|---|---|", ...rows].join("\n");
}

function row(key: string, doc: FieldDoc): string {
    const example = doc.example === undefined ? "" : ` Example: ${doc.example}.`;
    return `| \`${key}\` | ${doc.type} | ${doc.default} | ${doc.description}${example} |`;
}

function secretDoc(
    s:
        | (typeof SECRET_KEYS)[keyof typeof SECRET_KEYS]
        | (typeof PROVIDER_SECRET_KEYS)[keyof typeof PROVIDER_SECRET_KEYS],
): FieldDoc {
    return { ...s, type: s.plainAllowed ? s.type : `${s.type}, must be \`--secret\`` };
}

/** The schema a field wraps: inside `.optional()`, `.default()` and transforms. */
function inner(s: z.ZodType): z.ZodType | undefined {
    if (s instanceof z.ZodOptional || s instanceof z.ZodDefault) return s.unwrap() as z.ZodType;
    if (s instanceof z.ZodPipe) return s.in as z.ZodType;
    return undefined;
}

/** The field's own Type text, or that of the kind of value it wraps. */
function typeOf(s: z.ZodType): string {
    for (let t: z.ZodType | undefined = s; t !== undefined; t = inner(t)) {
        const type = docOf(t)?.type;
        if (type !== undefined) return type;
    }
    throw new Error(`a config field without a type: ${JSON.stringify(docOf(s))}`);
}

/** The field's Default text: its own words, else the schema's default, else unset or required. */
function defaultOf(s: z.ZodType): string {
    const own = docOf(s)?.default;
    if (own !== undefined) return own;
    if (s instanceof z.ZodDefault) return `\`${flow(s.def.defaultValue)}\``;
    return s.isOptional() ? "unset" : "required";
}

/** A value as the stack file's YAML flow text: `{branch: main}`, `[]`, `true`. */
function flow(v: unknown): string {
    if (Array.isArray(v)) return `[${v.map(flow).join(", ")}]`;
    if (typeof v === "object" && v !== null) {
        return `{${Object.entries(v)
            .map(([k, x]) => `${k}: ${flow(x)}`)
            .join(", ")}}`;
    }
    return String(v);
}
