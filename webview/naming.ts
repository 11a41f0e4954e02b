/** How the panel names processes and objects in its texts, from the store's models. */
import type { Naming } from "../src/model/describe";
import type { PanelStore } from "./store";

export function namingFor(store: PanelStore): Naming {
  return {
    object: (obj) => store.model.names.get(obj),
    process: (p) => {
      const row = store.model.processes.get(p);
      return row ? `P${p} (${row.name})` : `P${p}`;
    },
    processOfPid: (pid) => store.timeline.processOfPid(pid),
  };
}
