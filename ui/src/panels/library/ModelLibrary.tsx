import { useMemo } from 'react';
import { describeConstraints, modelList } from '../../lib/library';
import { addModelLoader } from '../../library';
import { useEditor } from '../../state';
import { useDropPoint } from './drop-point';

/** The server's models (the options of the catalog's model combos) with what each accepts. */
export function ModelLibrary() {
  const catalog = useEditor((s) => s.catalog);
  const models = useMemo(() => (catalog ? modelList(catalog) : []), [catalog]);
  const at = useDropPoint();
  return (
    <div className="rg-library">
      {!models.length && <p className="muted">The server has no models (serve --models).</p>}
      <ul className="rg-library-list" aria-label="Models">
        {models.map((m) => (
          <li key={m.name} data-model={m.name} className="rg-model">
            <div>
              <strong>{m.name}</strong>
              {m.constraints && <div className="muted">{describeConstraints(m.constraints)}</div>}
            </div>
            {m.loaders.map((l) => (
              <button
                key={`${l.type}.${l.input}`}
                type="button"
                onClick={() => addModelLoader(l.type, l.input, m.name, at())}
              >
                Add {l.title}
              </button>
            ))}
          </li>
        ))}
      </ul>
    </div>
  );
}
