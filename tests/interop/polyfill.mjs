// Node 20 lacks Promise.withResolvers (ES2024), which js-libp2p 3.x uses everywhere.
if (typeof Promise.withResolvers !== 'function') {
  Promise.withResolvers = function () {
    let resolve, reject
    const promise = new this((res, rej) => { resolve = res; reject = rej })
    return { promise, resolve, reject }
  }
}
