#!/usr/bin/env node
// event_loop: one slow synchronous call freezes every timer.
//
// Node runs JavaScript on one thread, around an event loop: a timer's callback runs only when
// the code before it has returned to the loop. The script sets a timer to tick every 100 ms and
// prints how late each tick is. After two seconds it runs a synchronous computation that takes
// about three seconds; no tick can run meanwhile, and the first one after it is three seconds
// late. Then it does the same work in slices of 50 ms, yielding to the loop between them
// (setImmediate): the ticks go on, a little late, while the work gets done.
//
// What to watch for under ptviz (where node is installed):
//     ptviz run -- node event_loop.js
// One process with several threads (node's own: the JavaScript thread, libuv's pool, the
// garbage collector's helpers). During the frozen part one thread is busy at a full CPU and the
// output stops; the other threads sleep. A second CPU would not help: the callbacks run on one.

const start = Date.now();
let expected = start + 100;

const ticker = setInterval(() => {
  const now = Date.now();
  const late = now - expected;
  console.log(`tick at ${((now - start) / 1000).toFixed(1)} s${late > 50 ? `: ${late} ms late` : ""}`);
  expected = now + 100;
}, 100);

// Busy work: count for ms milliseconds of wall-clock time.
function busy(ms) {
  const end = Date.now() + ms;
  let n = 0;
  while (Date.now() < end) n++;
  return n;
}

setTimeout(() => {
  console.log("a synchronous call of 3 s starts: no tick until it returns");
  busy(3000);
  console.log("it returned");
  setTimeout(() => {
    console.log("the same 3 s of work in slices of 50 ms, yielding between them");
    let left = 3000;
    const slice = () => {
      busy(50);
      left -= 50;
      if (left > 0) setImmediate(slice);
      else {
        console.log("done");
        setTimeout(() => clearInterval(ticker), 500);
      }
    };
    slice();
  }, 1000);
}, 2000);
