// chai 5, installed beside chai 6 under the alias `chai5` to test the chai plugin on both: its API, as
// @types/chai (written for chai 5) describes it.
declare module 'chai5' {
  export * from 'chai';
}
