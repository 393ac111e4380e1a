/** Strata's version, as `strata --version` prints it and `strata export` records it. */
export const STRATA_VERSION = '0.1.0';
