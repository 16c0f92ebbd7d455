import { useState } from 'preact/hooks';
import { usePoll } from '../api.ts';

interface TableRow {
  readonly name: string;
  readonly itemCount: number;
  readonly keys: string[];
  readonly indexes: string[];
  readonly stream?: string;
}

/** Each service's table with its item count; a page of items of the one picked. */
export const TablesPage = ({ table }: { table?: string }) => {
  const { data, error } = usePoll<{ items: TableRow[] }>('/tables', 3000);
  return (
    <section>
      <h1>Tables</h1>
      {error && <p class="error">{error}</p>}
      {data && (
        <table data-testid="tables">
          <thead>
            <tr>
              <th>Table</th>
              <th class="num">Items</th>
              <th>Keys</th>
              <th>Indexes</th>
              <th>Stream</th>
            </tr>
          </thead>
          <tbody>
            {data.items.map((row) => (
              <tr key={row.name} data-table={row.name}>
                <td>
                  <a href={`#/tables/${row.name}`}>{row.name}</a>
                </td>
                <td class="num">{row.itemCount}</td>
                <td>{row.keys.join(', ')}</td>
                <td>{row.indexes.join(', ')}</td>
                <td>{row.stream ?? ''}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {table && <TableItems key={table} table={table} />}
    </section>
  );
};

const TableItems = ({ table }: { table: string }) => {
  const [cursor, setCursor] = useState<string | undefined>(undefined);
  const query = cursor ? `?cursor=${encodeURIComponent(cursor)}` : '';
  const { data, error } = usePoll<{ items: Record<string, unknown>[]; nextCursor?: string }>(
    `/tables/${encodeURIComponent(table)}/items${query}`,
    0,
  );
  return (
    <div class="card" data-testid="table-items">
      <h3>{table}</h3>
      {error && <p class="error">{error}</p>}
      {data?.items.map((item) => (
        <pre key={`${String(item.pk)}|${String(item.sk)}`}>{JSON.stringify(item, null, 2)}</pre>
      ))}
      {data?.nextCursor && (
        <button type="button" onClick={() => setCursor(data.nextCursor)}>
          Next page
        </button>
      )}
    </div>
  );
};
