/**
 * A table whose rows are kept by id and updated in place: live runs refresh it ten times a
 * second, and a row under the pointer must not be rebuilt (it would lose its hover).
 */
import { element, setText, setTitle } from "../dom";

export interface Column {
  title: string;
  /** Explains the column in plain words (the header's hover). */
  help: string;
  numeric?: boolean;
}

export interface TableRow {
  id: string;
  cells: string[];
  title: string;
  onOpen?: () => void;
}

export class KeyedTable {
  readonly element = element("table", "data-table");
  private readonly body = element("tbody");
  private readonly rows = new Map<string, HTMLTableRowElement>();
  private order: string[] = [];
  private readonly emptyRow = element("tr", "empty-row");

  constructor(
    private readonly columns: Column[],
    label: string,
  ) {
    this.element.setAttribute("aria-label", label);
    const head = element("thead");
    const headRow = element("tr");
    for (const column of columns) {
      const cell = element("th", column.numeric ? "numeric" : "", column.title);
      cell.title = column.help;
      cell.scope = "col";
      headRow.append(cell);
    }
    head.append(headRow);
    const emptyCell = element("td", "", "None in this run.");
    emptyCell.colSpan = columns.length;
    this.emptyRow.append(emptyCell);
    this.body.append(this.emptyRow);
    this.element.append(head, this.body);
  }

  clear(): void {
    this.rows.clear();
    this.order = [];
    this.body.replaceChildren(this.emptyRow);
  }

  update(rows: TableRow[]): void {
    const ids = rows.map((row) => row.id);
    for (const row of rows) {
      let node = this.rows.get(row.id);
      if (!node) {
        node = this.createRow(row);
        this.rows.set(row.id, node);
      }
      row.cells.forEach((text, index) => setText(node.cells[index], text));
      setTitle(node, row.title);
    }
    for (const id of this.rows.keys()) if (!ids.includes(id)) this.rows.delete(id);
    if (ids.length !== this.order.length || ids.some((id, i) => id !== this.order[i])) {
      this.order = ids;
      if (ids.length === 0) this.body.replaceChildren(this.emptyRow);
      else this.body.replaceChildren(...ids.map((id) => this.rows.get(id)!));
    }
  }

  private createRow(row: TableRow): HTMLTableRowElement {
    const node = element("tr");
    node.dataset.id = row.id;
    for (const column of this.columns) node.append(element("td", column.numeric ? "numeric" : ""));
    if (row.onOpen) {
      const open = row.onOpen;
      node.classList.add("clickable");
      node.tabIndex = 0;
      node.addEventListener("click", open);
      node.addEventListener("keydown", (event) => {
        if (event.key === "Enter") open();
      });
    }
    return node;
  }
}
