// pidusage 4 ships no types; the part procscope uses.
declare module "pidusage" {
  interface Status {
    /** CPU use since the previous call for this pid, in percent of one core. */
    cpu: number;
    /** Resident set size in bytes. */
    memory: number;
    pid: number;
    ppid: number;
    elapsed: number;
    timestamp: number;
  }
  interface Options {
    /** How long (ms) the history of a pid is kept between calls; also closes its /proc fd. */
    maxage?: number;
  }
  function pidusage(pid: number, options?: Options): Promise<Status>;
  export = pidusage;
}
