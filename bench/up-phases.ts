import * as fs from "fs";

/** One engine event of `pulumi up --event-log`, with when this process read it. */
interface Seen {
    ms: number;
    event: {
        resourcePreEvent?: { metadata: { type: string; urn: string }; planning?: boolean };
        resOutputsEvent?: { metadata: { type: string; urn: string }; planning?: boolean };
    };
}

/**
 * Follows the engine's event log while `pulumi up` runs. The events' own timestamps are whole
 * seconds, too coarse for phases of a second or two, so each line is stamped when read, every
 * 100 ms.
 */
export class EventLogWatch {
    private readonly seen: Seen[] = [];
    private offset = 0;
    private rest = "";
    private head = Buffer.alloc(0);
    /** Lines that were not one JSON event each. */
    unreadable = 0;
    private readonly timer: NodeJS.Timeout;

    constructor(private readonly file: string) {
        this.timer = setInterval(() => this.read(), 100);
    }

    private read(): void {
        let text: string;
        try {
            const fd = fs.openSync(this.file, "r");
            try {
                const { size } = fs.fstatSync(fd);
                // `pulumi up` writes its preview's events, then starts the file again for the update.
                const head = Buffer.alloc(Math.min(size, 64));
                fs.readSync(fd, head, 0, head.length, 0);
                const n = Math.min(head.length, this.head.length);
                if (size < this.offset || !head.subarray(0, n).equals(this.head.subarray(0, n))) {
                    this.offset = 0;
                    this.rest = "";
                }
                this.head = head;
                if (size <= this.offset) return;
                const buf = Buffer.alloc(size - this.offset);
                fs.readSync(fd, buf, 0, buf.length, this.offset);
                this.offset = size;
                text = this.rest + buf.toString("utf8");
            } finally {
                fs.closeSync(fd);
            }
        } catch {
            return; // not written yet
        }
        const lines = text.split("\n");
        this.rest = lines.pop() ?? "";
        const ms = Date.now();
        for (const l of lines) {
            try {
                this.seen.push({ ms, event: JSON.parse(l) });
            } catch {
                this.unreadable++; // the phases it would have marked show as not seen
            }
        }
    }

    /** Runs `command` while following; a failing command stops the following too. */
    async during<T>(command: () => Promise<T>): Promise<T> {
        try {
            return await command();
        } catch (e) {
            this.stop();
            throw e;
        }
    }

    /** Stops following; the events read, the last ones included. */
    stop(): Seen[] {
        clearInterval(this.timer);
        this.read();
        return this.seen;
    }
}

export const FIRST_OBJECT = "first install object created";

/** A phase of `pulumi up` and when it ended, in seconds from the command's start (undefined: not seen). */
export interface Phase {
    phase: string;
    seconds?: number;
}

/**
 * The phases of a `pulumi up` of the prod stack from its event log: the preview it runs first
 * (its events are marked `planning`), then the update's first registration (its Stack), the
 * kubernetes providers configured, the namespace and CRDs created, the source Ready (it waits
 * for Ready) and each layer Ready, in `layers` order.
 */
export function upPhases(seen: Seen[], startMs: number, layers: string[]): Phase[] {
    const at = (ms?: number) => (ms === undefined ? undefined : (ms - startMs) / 1000);
    type Kind = "resourcePreEvent" | "resOutputsEvent";
    const matching = (kind: Kind, planning: boolean, test: (t: string, u: string) => boolean) =>
        seen.filter((s) => {
            const e = s.event[kind];
            return (
                e !== undefined &&
                (e.planning === true) === planning &&
                test(e.metadata.type, e.metadata.urn)
            );
        });
    const first = (kind: Kind, test: (t: string, u: string) => boolean, planning = false) =>
        matching(kind, planning, test)[0]?.ms;
    const last = (test: (t: string) => boolean) =>
        matching("resOutputsEvent", false, test).at(-1)?.ms;
    const stack = (t: string) => t === "pulumi:pulumi:Stack";
    const install = (t: string) =>
        t === "kubernetes:core/v1:Namespace" || t.endsWith(":CustomResourceDefinition");
    return [
        {
            phase: "preview: program start (Stack)",
            seconds: at(first("resourcePreEvent", stack, true)),
        },
        { phase: "update: program start (Stack)", seconds: at(first("resourcePreEvent", stack)) },
        {
            phase: "kubernetes providers configured",
            seconds: at(last((t) => t.startsWith("pulumi:providers:kubernetes"))),
        },
        { phase: FIRST_OBJECT, seconds: at(first("resOutputsEvent", install)) },
        { phase: "namespace and CRDs created", seconds: at(last(install)) },
        {
            phase: "source Ready",
            seconds: at(first("resOutputsEvent", (t) => /:(GitRepository|OCIRepository)$/.test(t))),
        },
        ...layers.map((l) => ({
            phase: `layer ${l} Ready`,
            seconds: at(
                first(
                    "resOutputsEvent",
                    (t, u) => t.endsWith(":Kustomization") && u.endsWith(`::layers-${l}`),
                ),
            ),
        })),
    ];
}

/**
 * Every resource operation of the update, one line each, "seconds  started|done  type  name",
 * in seconds from the command's start: where the time between the phases went.
 */
export function stepTimeline(seen: Seen[], startMs: number): string[] {
    const lines: string[] = [];
    for (const s of seen) {
        for (const [kind, what] of [
            ["resourcePreEvent", "started"],
            ["resOutputsEvent", "done"],
        ] as const) {
            const e = s.event[kind];
            if (e === undefined || e.planning === true) continue;
            const name = e.metadata.urn.split("::").at(-1);
            const t = ((s.ms - startMs) / 1000).toFixed(1).padStart(5);
            lines.push(`${t}  ${what.padEnd(7)}  ${e.metadata.type}  ${name}`);
        }
    }
    return lines;
}
