import * as tg from "tensorgrad";
const nn = tg.nn;
tg.manualSeed(0);
const seq = new nn.Sequential(new nn.Linear(2, 3), new nn.ReLU(), new nn.Linear(3, 1));
console.log(seq.toString());
class M extends nn.Module {
  name = "foo";
  length = 5;
  fc = new nn.Linear(2, 2);
  layers = [new nn.Linear(2, 2), new nn.Tanh()];
  forward(x: tg.Tensor) { return this.fc(x); }
}
const m = new M();
console.log(m.toString(), m.name, m.length);
console.log(m.namedParameters().map(([n]) => n));
// shared + double
class Tied extends nn.Module {
  a = new nn.Linear(2, 2);
  b = new nn.Linear(2, 2);
  constructor() { super(); this.b.weight = this.a.weight; }
  forward(x: tg.Tensor) { return this.b(this.a(x)); }
}
const t = new Tied();
console.log(t.parameters().length);
t.double();
console.log(t.parameters().length, t.a.weight === t.b.weight, t.a.weight.dtype);
// zeroGrad with inf
const l = new nn.Linear(1, 1);
l.weight.grad = tg.tensor([[Infinity]]);
l.zeroGrad({ setToNone: false });
console.log(l.weight.grad?.toString());
const c = new nn.Conv2d(1, 8, 3, { padding: 1 });
console.log(c.toString());
try { c(tg.randn([1, 2, 5, 5])); } catch (e) { console.log(String(e)); }
try { new nn.Linear(784, 256)(tg.randn([32, 780])); } catch (e) { console.log(String(e)); }
console.log(new nn.MaxPool2d(2).toString(), new nn.Embedding(10, 3, { paddingIdx: 0 }).toString(), new nn.Dropout2d(0.3).toString(), new nn.GELU().toString());
const md = new nn.ModuleDict({ b: new nn.ReLU(), a: new nn.Linear(1,1), "1": new nn.Tanh() });
console.log(md.keys());
