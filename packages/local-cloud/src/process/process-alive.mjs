// Plain JavaScript that any Node runs: the preflight and the state file use it before Node's version is known.

/**
 * Whether a process with this pid exists (signal 0 checks without sending anything).
 *
 * @param {number} pid
 * @returns {boolean}
 */
export const isProcessAlive = (pid) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};
