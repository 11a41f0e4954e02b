/**
 * A TypeScript server plugin (loaded by tsserver, not by the extension host): makes
 * `import … from "procscope"` resolve to the declarations bundled with the extension when
 * the workspace has no `procscope` of its own, so programs type-check and hover with full
 * docs without installing anything. The runtime resolves the same import at run time.
 *
 * Packaged as node_modules/procscope-typescript-plugin/index.js inside the extension, which
 * is where tsserver looks for plugins that extensions contribute.
 */
import * as path from "node:path";
import type * as ts from "typescript";

const MODULE_NAME = "procscope";

function init(modules: { typescript: typeof ts }): ts.server.PluginModule {
  const typescript = modules.typescript;
  // <extension>/node_modules/procscope-typescript-plugin/index.js → <extension>/dist/types/…
  const declarations = path.join(__dirname, "..", "..", "dist", "types", "runtime", "index.d.ts");
  const bundled: ts.ResolvedModuleFull = {
    resolvedFileName: declarations,
    extension: typescript.Extension.Dts,
    isExternalLibraryImport: true,
  };

  function create(info: ts.server.PluginCreateInfo): ts.LanguageService {
    const host = info.languageServiceHost;
    const log = (text: string): void =>
      info.project.projectService.logger.info(`[procscope] ${text}`);
    log(`resolving "${MODULE_NAME}" to ${declarations} where the workspace has none`);

    const literals = host.resolveModuleNameLiterals?.bind(host);
    if (literals) {
      host.resolveModuleNameLiterals = (moduleLiterals, containingFile, ...rest) => {
        const resolved = literals(moduleLiterals, containingFile, ...rest);
        return resolved.map((entry, index) =>
          moduleLiterals[index].text === MODULE_NAME && !entry.resolvedModule
            ? { ...entry, resolvedModule: bundled }
            : entry,
        );
      };
    }
    const names = host.resolveModuleNames?.bind(host);
    if (names) {
      host.resolveModuleNames = (moduleNames, ...rest) => {
        const resolved = names(moduleNames, ...rest);
        return resolved.map((entry, index) =>
          moduleNames[index] === MODULE_NAME && !entry ? bundled : entry,
        );
      };
    }
    return info.languageService;
  }

  return { create };
}

export = init;
