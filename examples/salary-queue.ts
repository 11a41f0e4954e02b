// The salary calculator, processes-and-queues version: employees go on a queue, three
// worker processes compute pay slips and put them on a results queue, the main process
// gathers them. Compare salary-pool.ts, where a Pool does the distribution.
import { Process, Queue, main } from "procscope";
import { EMPLOYEES, formatSlip, paySlip, type Employee, type PaySlip } from "./salary/payroll";

export async function payrollClerk(
  employees: Queue<Employee | null>,
  slips: Queue<PaySlip>,
): Promise<void> {
  for (;;) {
    const employee = await employees.get();
    if (employee === null) return;
    await slips.put(paySlip(employee));
  }
}

main(async () => {
  const employees = new Queue<Employee | null>();
  const slips = new Queue<PaySlip>();
  const clerks = [1, 2, 3].map((n) =>
    new Process({ target: payrollClerk, args: [employees, slips], name: `clerk-${n}` }).start(),
  );
  for (const employee of EMPLOYEES) await employees.put(employee);
  for (const _ of clerks) await employees.put(null); // one "no more work" per clerk
  const gathered: PaySlip[] = [];
  for (let i = 0; i < EMPLOYEES.length; i++) gathered.push(await slips.get());
  for (const clerk of clerks) await clerk.join();
  gathered.sort((a, b) => a.id - b.id);
  for (const slip of gathered) console.log(formatSlip(slip));
  const gross = gathered.reduce((sum, slip) => sum + slip.gross, 0);
  const tax = gathered.reduce((sum, slip) => sum + slip.tax, 0);
  console.log(
    `total: gross ${gross.toFixed(2)}, tax ${tax.toFixed(2)}, net ${(gross - tax).toFixed(2)}`,
  );
});
