// The salary calculator, pool version: a pool of workers computes each employee's pay slip
// (gross pay, tax by brackets, net pay); the main process prints the slips and the totals.
// Compare salary-queue.ts, which does the same with processes and queues.
import { Pool, main } from "procscope";
import { EMPLOYEES, formatSlip, paySlip, type Employee, type PaySlip } from "./salary/payroll";

export function computeSlip(employee: Employee): PaySlip {
  return paySlip(employee);
}

main(async () => {
  await using pool = new Pool(3);
  const slips = await pool.map(computeSlip, EMPLOYEES, 2);
  for (const slip of slips) console.log(formatSlip(slip));
  const gross = slips.reduce((sum, slip) => sum + slip.gross, 0);
  const tax = slips.reduce((sum, slip) => sum + slip.tax, 0);
  console.log(
    `total: gross ${gross.toFixed(2)}, tax ${tax.toFixed(2)}, net ${(gross - tax).toFixed(2)}`,
  );
});
