import { expect } from "chai";
import { ProgramRun, Registered } from "./mocks";

export const FLUX_INSTALL = "flux-gitops:index:FluxInstall";

/** The resources of the Flux install's objects: the children of the one FluxInstall component. */
export function installResources(run: ProgramRun): Registered[] {
    const install = run.resources.filter((r) => r.type === FLUX_INSTALL);
    expect(install, FLUX_INSTALL).to.have.length(1);
    return run.resources.filter((r) => r.parent === install[0].urn);
}

/** The install's objects as the provider receives them (secrets unwrapped). */
export function installObjects(run: ProgramRun): Record<string, any>[] {
    return installResources(run).map((r) => r.inputs);
}

/** What the program declares besides the install: the Kubernetes objects of no FluxInstall. */
export function objectsBesidesInstall(run: ProgramRun): Record<string, any>[] {
    const install = new Set(installResources(run).map((r) => r.urn));
    return run.resources
        .filter((r) => !install.has(r.urn))
        .filter((r) => r.inputs.apiVersion !== undefined && r.inputs.kind !== undefined)
        .map((r) => r.inputs);
}
