// Preloaded (`node --import`) into third-party servers that offer no bind-address option
// (the Portkey gateway listens on all interfaces): pins every TCP listen() to 127.0.0.1.
import net from 'node:net';

const listen = net.Server.prototype.listen;
net.Server.prototype.listen = function (...args) {
  const [first] = args;
  if (typeof first === 'number' || (typeof first === 'string' && /^\d+$/.test(first))) {
    return listen.call(this, Number(first), '127.0.0.1', ...args.filter((a) => typeof a === 'function'));
  }
  if (first && typeof first === 'object' && first.path === undefined) args[0] = { ...first, host: '127.0.0.1' };
  return listen.apply(this, args);
};
