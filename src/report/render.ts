/**
 * Vega-Lite spec → SVG string, in Node, with no DOM, no canvas and no network: the spec is
 * compiled to Vega, run headless (`renderer: 'none'`) and serialised with `view.toSVG()`.
 */
import { compile, type TopLevelSpec } from 'vega-lite';
import { logger, parse, View, Warn, type Loader } from 'vega';

export interface RenderOptions {
  /** Receives Vega-Lite's and Vega's warnings (the library itself never prints). Default: dropped. */
  onWarning?: (message: string) => void;
}

function refuse(what: string): Promise<never> {
  return Promise.reject(new Error(`renderSvg: charts take inline data only; refused to load ${what}`));
}

/** A loader that loads nothing: report charts carry their data as inline `values`. */
const OFFLINE: Loader = {
  load: (uri) => refuse(uri),
  sanitize: (uri) => refuse(uri),
  http: (uri) => refuse(uri),
  file: (filename) => refuse(filename),
};

/**
 * Renders a Vega-Lite spec to a standalone SVG document. Data must be inline (`values`): a spec
 * with a data `url` is rejected, and the view's loader refuses every request, so nothing is
 * ever fetched. Anything Vega reports as an error while running the spec (it logs rather than
 * throws) is thrown here, so a broken chart never yields a silently empty SVG.
 */
export async function renderSvg(spec: TopLevelSpec, options: RenderOptions = {}): Promise<string> {
  const errors: string[] = [];
  const log = logger(Warn, undefined, (method, _level, args) => {
    const message = args.map((a) => (a instanceof Error ? a.message : String(a))).join(' ');
    if (method === 'error') errors.push(message);
    else options.onWarning?.(message);
  });
  const vgSpec = compile(spec, { logger: log }).spec;
  const urls = (vgSpec.data ?? []).flatMap((d) => ('url' in d ? [JSON.stringify(d.url)] : []));
  if (urls.length > 0) await refuse(urls.join(', '));
  const view = new View(parse(vgSpec), { renderer: 'none', loader: OFFLINE, logger: log });
  try {
    const svg = await view.toSVG();
    if (errors.length > 0) throw new Error(`renderSvg: ${errors.join('; ')}`);
    return svg;
  } finally {
    view.finalize();
  }
}
