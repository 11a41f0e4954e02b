// Pay-slip arithmetic shared by both salary examples: monthly gross from hours and rate,
// income tax by progressive brackets, net pay.

export interface Employee {
  id: number;
  name: string;
  hours: number;
  hourlyRate: number;
}

export interface PaySlip {
  id: number;
  name: string;
  gross: number;
  tax: number;
  net: number;
  /** Which process computed it. */
  by: number;
}

/** Monthly brackets: the rate applies to the part of the gross pay above `from`. */
export const BRACKETS = [
  { from: 0, rate: 0 },
  { from: 1_000, rate: 0.1 },
  { from: 3_000, rate: 0.2 },
  { from: 6_000, rate: 0.35 },
];

export function incomeTax(gross: number): number {
  let tax = 0;
  for (let i = 0; i < BRACKETS.length; i++) {
    const upper = i + 1 < BRACKETS.length ? BRACKETS[i + 1].from : Infinity;
    const taxable = Math.min(gross, upper) - BRACKETS[i].from;
    if (taxable > 0) tax += taxable * BRACKETS[i].rate;
  }
  return Math.round(tax * 100) / 100;
}

export function paySlip(employee: Employee): PaySlip {
  // Overtime past 160 hours is paid at one and a half times the rate.
  const regular = Math.min(employee.hours, 160);
  const overtime = Math.max(0, employee.hours - 160);
  const gross = Math.round((regular + overtime * 1.5) * employee.hourlyRate * 100) / 100;
  const tax = incomeTax(gross);
  return {
    id: employee.id,
    name: employee.name,
    gross,
    tax,
    net: Math.round((gross - tax) * 100) / 100,
    by: process.pid,
  };
}

export function formatSlip(slip: PaySlip): string {
  return `#${slip.id} ${slip.name.padEnd(8)} gross ${slip.gross.toFixed(2).padStart(9)}  tax ${slip.tax.toFixed(2).padStart(8)}  net ${slip.net.toFixed(2).padStart(9)}  (pid ${slip.by})`;
}

export const EMPLOYEES: Employee[] = [
  { id: 1, name: "Ada", hours: 160, hourlyRate: 42 },
  { id: 2, name: "Brian", hours: 172, hourlyRate: 28 },
  { id: 3, name: "Chen", hours: 120, hourlyRate: 35 },
  { id: 4, name: "Dana", hours: 168, hourlyRate: 55 },
  { id: 5, name: "Eli", hours: 80, hourlyRate: 19 },
  { id: 6, name: "Farah", hours: 190, hourlyRate: 31 },
  { id: 7, name: "Goran", hours: 160, hourlyRate: 24 },
  { id: 8, name: "Hana", hours: 150, hourlyRate: 61 },
];
