// Bottleneck's light build: the same limiter and groups without the Redis clustering (about
// 100 KB of code the gate would compile on every run). It ships no types of its own.
declare module 'bottleneck/light.js' {
  import Bottleneck from 'bottleneck';
  export default Bottleneck;
}
