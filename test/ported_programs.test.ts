import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { loadMnist, loadNames } from "tensorgrad/node";
import { tg } from "./helpers.ts";

// Four public PyTorch programs ported line by line (issue 11), each asserting that it learns and, where the program
// is deterministic (or made so by pasting PyTorch's initial values), that its numbers are torch 1.13's. The PyTorch
// line is kept above each tensorgrad line where the two differ in more than spelling.

const { nn, optim } = tg;
const F = tg.nn.functional;

/** |a − b| ≤ atol + rtol·|b|, elementwise, with a message naming `what`. */
function near(actual: readonly number[], expected: readonly number[], rtol: number, atol: number, what: string): void {
  assert.equal(actual.length, expected.length, what);
  actual.forEach((a, i) => {
    const e = expected[i];
    assert.ok(Math.abs(a - e) <= atol + rtol * Math.abs(e), `${what}[${i}]: ${a} vs PyTorch's ${e}`);
  });
}

describe("micrograd's demo: a 2-16-16-1 MLP on moons, SVM max-margin loss + L2, SGD with a decaying rate", () => {
  /**
   * The demo's training loop, on tensors instead of micrograd's Values: model = MLP(2, [16, 16, 1]) (ReLU between
   * layers, weights U(−1, 1), biases 0), 100 steps of the full batch. Returns [step, loss, accuracy] at a few steps.
   */
  function train(X: tg.Tensor, yLabels: tg.Tensor, init: (shape: number[], k: number) => tg.Tensor): [number, number, number][] {
    // y = y*2 - 1
    const y = yLabels.to("float64").mul(2).sub(1);
    const W1 = init([2, 16], 0.1).requiresGrad_(true);
    const b1 = tg.zeros([16], { dtype: "float64", requiresGrad: true });
    const W2 = init([16, 16], 0.2).requiresGrad_(true);
    const b2 = tg.zeros([16], { dtype: "float64", requiresGrad: true });
    const W3 = init([16, 1], 0.3).requiresGrad_(true);
    const b3 = tg.zeros([1], { dtype: "float64", requiresGrad: true });
    const parameters = [W1, b1, W2, b2, W3, b3];
    const model = (x: tg.Tensor) => x.matmul(W1).add(b1).relu().matmul(W2).add(b2).relu().matmul(W3).add(b3);
    const log: [number, number, number][] = [];
    for (let k = 0; k < 100; k++) {
      // scores = list(map(model, inputs))
      const scores = model(X).squeeze(1);
      // losses = [(1 + -yi*scorei).relu() for yi, scorei in zip(yb, scores)]
      const losses = y.neg().mul(scores).add(1).relu();
      // data_loss = sum(losses) * (1.0 / len(losses))
      const dataLoss = losses.sum().mul(1.0 / losses.shape[0]);
      // reg_loss = alpha * sum((p*p for p in model.parameters()))
      const alpha = 1e-4;
      const regLoss = parameters
        .map((q) => q.mul(q).sum())
        .reduce((u, v) => u.add(v))
        .mul(alpha);
      const totalLoss = dataLoss.add(regLoss);
      // accuracy = [(yi > 0) == (scorei.data > 0) for yi, scorei in zip(yb, scores)]
      const accuracy = y.gt(0).eq(scores.gt(0)).to("float64").mean().item();
      if ([0, 10, 50, 99].includes(k)) log.push([k, totalLoss.item(), accuracy]);
      // model.zero_grad(); total_loss.backward()
      for (const q of parameters) q.grad = null;
      totalLoss.backward();
      // learning_rate = 1.0 - 0.9*k/100; for p in model.parameters(): p.data -= learning_rate * p.grad
      const learningRate = 1.0 - (0.9 * k) / 100;
      for (const q of parameters) q.data.sub_(q.grad!.mul(learningRate));
    }
    return log;
  }

  it("learns make_moons(n_samples=100, noise=0.1) from random weights", () => {
    tg.manualSeed(1337);
    const { x, y } = tg.data.moons({ n: 100, noise: 0.1, seed: 1337 });
    const log = train(x.to("float64"), y, (shape) => tg.rand(shape, { dtype: "float64" }).mul(2).sub(1));
    const [, firstLoss] = log[0];
    const [, lastLoss, lastAccuracy] = log[log.length - 1];
    assert.ok(lastLoss < 0.2 * firstLoss && lastAccuracy >= 0.95, `loss ${firstLoss} -> ${lastLoss}, accuracy ${lastAccuracy}`);
  });

  it("matches PyTorch step for step from a fixed start (weights sin(1.3·i + c), moons with fixed jitter)", () => {
    // The same data and start in torch 1.13 (float64): two half circles of 50 points, jittered by 0.1·sin(12.9898·i).
    const t = tg.linspace(0, Math.PI, 50, { dtype: "float64" });
    const outer = tg.stack([t.cos(), t.sin()], 1);
    const inner = tg.stack([t.cos().neg().add(1), t.sin().neg().add(0.5)], 1);
    const jitter = tg.arange(200, { dtype: "float64" }).reshape([100, 2]).mul(12.9898).sin().mul(0.1);
    const X = tg.cat([outer, inner]).add(jitter);
    const y = tg.cat([tg.zeros([50]), tg.ones([50])]);
    const init = (shape: number[], c: number) =>
      tg
        .arange(
          shape.reduce((u, v) => u * v, 1),
          { dtype: "float64" },
        )
        .mul(1.3)
        .add(c)
        .sin()
        .reshape(shape);
    const log = train(X, y, init);
    // torch: [(0, 3.491747840229802, 0.21), (10, 0.29676953792264815, 0.88), (50, 0.024468094734531966, 1.0), (99, 0.017582226835783435, 1.0)]
    near(
      log.map(([, l]) => l),
      [3.491747840229802, 0.29676953792264815, 0.024468094734531966, 0.017582226835783435],
      1e-9,
      0,
      "loss",
    );
    assert.deepEqual(
      log.map(([k, , a]) => [k, a]),
      [
        [0, 0.21],
        [10, 0.88],
        [50, 1],
        [99, 1],
      ],
    );
  });
});

describe("Learning PyTorch with Examples: fitting sin(x) with a third-order polynomial", () => {
  // x = torch.linspace(-math.pi, math.pi, 2000, dtype=dtype); y = torch.sin(x)
  const x = tg.linspace(-Math.PI, Math.PI, 2000);
  const y = tg.sin(x);

  it("tensors and autograd (a, b, c, d drawn by torch.manual_seed(0), pasted), torch's coefficients", () => {
    // a = torch.randn((), dtype=dtype, requires_grad=True) ... with torch.manual_seed(0): these four values
    const [a, b, c, d] = [1.5409960746765137, -0.293428897857666, -2.1787893772125244, 0.5684312582015991].map((v) =>
      tg.tensor(v, { requiresGrad: true }),
    );
    const learningRate = 1e-6;
    const losses: number[] = [];
    for (let t = 0; t < 2000; t++) {
      // y_pred = a + b * x + c * x ** 2 + d * x ** 3
      const yPred = a
        .add(b.mul(x))
        .add(c.mul(x.pow(2)))
        .add(d.mul(x.pow(3)));
      // loss = (y_pred - y).pow(2).sum()
      const loss = yPred.sub(y).pow(2).sum();
      if (t === 99 || t === 1999) losses.push(loss.item());
      loss.backward();
      tg.noGrad(() => {
        // a -= learning_rate * a.grad (and b, c, d); a.grad = None
        for (const p of [a, b, c, d]) {
          p.sub_(p.grad!.mul(learningRate));
          p.grad = null;
        }
      });
    }
    // PyTorch 1.13: loss 3238.300537109375 at t = 99, 12.286673545837402 at t = 1999
    near(losses, [3238.300537109375, 12.286673545837402], 1e-4, 0, "loss");
    near(
      [a, b, c, d].map((p) => p.item()),
      [0.058623336255550385, 0.8372474908828735, -0.01011350192129612, -0.09055762737989426],
      1e-4,
      1e-6,
      "a, b, c, d",
    );
  });

  // p = torch.tensor([1, 2, 3]); xx = x.unsqueeze(-1).pow(p)
  const p = tg.tensor([1, 2, 3], { dtype: "int32" });
  const xx = x.unsqueeze(-1).pow(p);
  /** model = torch.nn.Sequential(torch.nn.Linear(3, 1), torch.nn.Flatten(0, 1)), with torch.manual_seed(0)'s Linear. */
  const makeModel = (dtype: "float32" | "float64" = "float32") => {
    const model = new nn.Sequential(new nn.Linear(3, 1, { dtype }), new nn.Flatten(0, 1));
    const linear = model.at(0) as tg.nn.Linear; // model[0]
    tg.noGrad(() => {
      linear.weight.copy_(tg.tensor([[-0.004322517663240433, 0.3097158372402191, -0.4751853346824646]]));
      linear.bias?.copy_(tg.tensor([-0.4248946011066437]));
    });
    return [model, linear] as const;
  };
  const weights = (linear: tg.nn.Linear) => [...Array.from(linear.weight.toArray(), Number), linear.bias!.item()];

  it("nn: Sequential(Linear(3, 1), Flatten(0, 1)), MSELoss(reduction='sum'), manual update under noGrad", () => {
    const [model, linear] = makeModel();
    // loss_fn = torch.nn.MSELoss(reduction='sum')
    const lossFn = new nn.MSELoss({ reduction: "sum" });
    const learningRate = 1e-6;
    const losses: number[] = [];
    for (let t = 0; t < 2000; t++) {
      const yPred = model(xx);
      const loss = lossFn(yPred, y);
      if (t === 99 || t === 1999) losses.push(loss.item());
      model.zeroGrad();
      loss.backward();
      // with torch.no_grad(): for param in model.parameters(): param -= learning_rate * param.grad
      tg.noGrad(() => {
        for (const param of model.parameters()) param.sub_(param.grad!.mul(learningRate));
      });
    }
    near(losses, [582.650390625, 9.177204132080078], 1e-4, 0, "loss");
    near(weights(linear), [0.8441022634506226, 0.0025236690416932106, -0.09153266251087189, -0.01462855190038681], 1e-4, 1e-6, "weights");
  });

  it("optim: the same model trained by RMSprop(lr=1e-3), in float64 as torch's reference run", () => {
    // RMSprop ends oscillating at the scale of lr around the optimum, where the last bits decide the phase: in torch,
    // float32 ends at loss 8.8806 and float64 at 8.8538, and scaling x by (1 + 1e-15) moves the float64 end to 8.8398.
    // So the numbers are compared tightly up to step 999 and the end only to the size of that chaos.
    const x64 = tg.linspace(-Math.PI, Math.PI, 2000, { dtype: "float64" });
    const y64 = tg.sin(x64);
    const xx64 = x64.unsqueeze(-1).pow(p);
    const [model, linear] = makeModel("float64");
    const lossFn = new nn.MSELoss({ reduction: "sum" });
    // optimizer = torch.optim.RMSprop(model.parameters(), lr=learning_rate)
    const optimizer = new optim.RMSprop(model.parameters(), 1e-3);
    const losses: number[] = [];
    for (let t = 0; t < 2000; t++) {
      const yPred = model(xx64);
      const loss = lossFn(yPred, y64);
      if (t === 99 || t === 999 || t === 1999) losses.push(loss.item());
      optimizer.zeroGrad();
      loss.backward();
      optimizer.step();
    }
    near(losses.slice(0, 2), [24804.924813992802, 76.05799213575708], 1e-9, 0, "loss at steps 99 and 999");
    near(losses.slice(2), [8.853793501897623], 1e-2, 0, "loss at step 1999");
    near(
      weights(linear),
      [0.8570295980335471, -0.0004395770420903966, -0.09303463276701116, -0.0004394097252375098],
      1e-3,
      2e-3,
      "weights",
    );
  });

  it("a custom autograd Function, LegendrePolynomial3 (deterministic start: torch's numbers)", () => {
    class LegendrePolynomial3 extends tg.autograd.Function {
      static override forward(ctx: tg.autograd.FunctionCtx, input: tg.Tensor): tg.Tensor {
        ctx.saveForBackward(input);
        // return 0.5 * (5 * input ** 3 - 3 * input)
        return input.pow(3).mul(5).sub(input.mul(3)).mul(0.5);
      }
      static override backward(ctx: tg.autograd.FunctionCtx, gradOutput: tg.Tensor): tg.Tensor {
        const [input] = ctx.savedTensors;
        // return grad_output * 1.5 * (5 * input ** 2 - 1)
        return gradOutput.mul(1.5).mul(input.pow(2).mul(5).sub(1));
      }
    }
    // a = torch.full((), 0.0, dtype=dtype, requires_grad=True), b = -1.0, c = 0.0, d = 0.3
    const a = tg.full([], 0.0, { requiresGrad: true });
    const b = tg.full([], -1.0, { requiresGrad: true });
    const c = tg.full([], 0.0, { requiresGrad: true });
    const d = tg.full([], 0.3, { requiresGrad: true });
    const learningRate = 5e-6;
    const losses: number[] = [];
    for (let t = 0; t < 2000; t++) {
      // P3 = LegendrePolynomial3.apply (unbound, as in PyTorch; TypeScript cannot type a static method's unbound
      // `this`, so the call's type is written out)
      const P3 = LegendrePolynomial3.apply as (input: tg.Tensor) => tg.Tensor;
      // y_pred = a + b * P3(c + d * x)
      const yPred = a.add(b.mul(P3(c.add(d.mul(x)))));
      const loss = yPred.sub(y).pow(2).sum();
      if (t === 99 || t === 1999) losses.push(loss.item());
      loss.backward();
      tg.noGrad(() => {
        for (const q of [a, b, c, d]) {
          q.sub_(q.grad!.mul(learningRate));
          q.grad = null;
        }
      });
    }
    near(losses, [209.95835876464844, 8.94364070892334], 1e-4, 0, "loss");
    near(
      [a, b, c, d].map((q) => q.item()),
      [-6.2158362901243436e-9, -2.208526849746704, 1.303918195638687e-9, 0.2554861009120941],
      1e-4,
      1e-6,
      "a, b, c, d",
    );
  });

  it("dynamic control flow: DynamicNet, a random number of extra terms per forward (learns)", () => {
    class DynamicNet extends nn.Module {
      a = new nn.Parameter(tg.randn([]));
      b = new nn.Parameter(tg.randn([]));
      c = new nn.Parameter(tg.randn([]));
      d = new nn.Parameter(tg.randn([]));
      e = new nn.Parameter(tg.randn([]));
      forward(x: tg.Tensor): tg.Tensor {
        // y = self.a + self.b * x + self.c * x ** 2 + self.d * x ** 3
        let y = this.a
          .add(this.b.mul(x))
          .add(this.c.mul(x.pow(2)))
          .add(this.d.mul(x.pow(3)));
        // for exp in range(4, random.randint(4, 6)): y = y + self.e * x ** exp
        const top = tg.randint(4, 7, []).item(); // random.randint(4, 6) is inclusive
        for (let exp = 4; exp < top; exp++) y = y.add(this.e.mul(x.pow(exp)));
        return y;
      }
    }
    tg.manualSeed(0);
    const model = new DynamicNet();
    const criterion = new nn.MSELoss({ reduction: "sum" });
    // optimizer = torch.optim.SGD(model.parameters(), lr=1e-8, momentum=0.9)
    const optimizer = new optim.SGD(model.parameters(), { lr: 1e-8, momentum: 0.9 });
    const losses: number[] = [];
    for (let t = 0; t < 3000; t++) {
      const yPred = model(x);
      const loss = criterion(yPred, y);
      losses.push(loss.item());
      optimizer.zeroGrad();
      loss.backward();
      optimizer.step();
    }
    const mean = (v: number[]) => v.reduce((s, q) => s + q, 0) / v.length;
    // the loss varies with the random depth; averaged over the last 100 steps it is a small fraction of the first 100's
    assert.ok(mean(losses.slice(-100)) < 0.2 * mean(losses.slice(0, 100)), `${mean(losses.slice(0, 100))} -> ${mean(losses.slice(-100))}`);
  });
});

describe("makemore part 2: the MLP language model on names (embedding table C, tanh hidden layer)", () => {
  it("trains on the bundled names: minibatches, cross-entropy, a step decay of lr; samples names", async () => {
    // words = open('names.txt', 'r').read().splitlines()
    const words = await loadNames();
    // chars = sorted(list(set(''.join(words)))); stoi = {s:i+1 for i,s in enumerate(chars)}; stoi['.'] = 0
    const chars = [...new Set(words.join(""))].sort();
    const stoi = new Map(chars.map((ch, i) => [ch, i + 1]));
    stoi.set(".", 0);
    const itos = new Map([...stoi].map(([ch, i]) => [i, ch]));
    const blockSize = 3;
    const buildDataset = (ws: string[]): [tg.Tensor, tg.Tensor] => {
      const X: number[][] = [];
      const Y: number[] = [];
      for (const w of ws) {
        let context = Array<number>(blockSize).fill(0);
        for (const ch of `${w}.`) {
          const ix = stoi.get(ch)!;
          X.push(context);
          Y.push(ix);
          context = [...context.slice(1), ix];
        }
      }
      // X = torch.tensor(X) (Python ints make int64 in torch; JavaScript numbers do not say, so the dtype is given)
      return [tg.tensor(X, { dtype: "int32" }), tg.tensor(Y, { dtype: "int32" })];
    };
    // random.seed(42); random.shuffle(words)
    const order = tg.randperm(words.length, { generator: new tg.Generator(42) }).tolist() as number[];
    const shuffled = order.map((i) => words[i]);
    const n1 = Math.floor(0.8 * shuffled.length);
    const n2 = Math.floor(0.9 * shuffled.length);
    const [Xtr, Ytr] = buildDataset(shuffled.slice(0, n1));
    const [Xdev, Ydev] = buildDataset(shuffled.slice(n1, n2));

    // g = torch.Generator().manual_seed(2147483647)
    const g = new tg.Generator(2147483647);
    const C = tg.randn([27, 10], { generator: g });
    const W1 = tg.randn([30, 200], { generator: g });
    const b1 = tg.randn(200, { generator: g });
    const W2 = tg.randn([200, 27], { generator: g });
    const b2 = tg.randn(27, { generator: g });
    const parameters = [C, W1, b1, W2, b2];
    // for p in parameters: p.requires_grad = True
    for (const p of parameters) p.requiresGrad = true;
    const evaluate = (X: tg.Tensor, Y: tg.Tensor) =>
      tg.noGrad(() => {
        const emb = C.get(X);
        const h = tg.tanh(emb.view(-1, 30).matmul(W1).add(b1));
        const logits = h.matmul(W2).add(b2);
        return F.crossEntropy(logits, Y).item();
      });
    const before = evaluate(Xdev, Ydev);
    const steps = 1000;
    for (let i = 0; i < steps; i++) {
      // ix = torch.randint(0, Xtr.shape[0], (32,))
      const ix = tg.randint(0, Xtr.shape[0], [32]);
      // emb = C[Xtr[ix]]  # (32, 3, 10)
      const emb = C.get(Xtr.get(ix));
      // h = torch.tanh(emb.view(-1, 30) @ W1 + b1)  # (32, 200)
      const h = tg.tanh(emb.view(-1, 30).matmul(W1).add(b1));
      const logits = h.matmul(W2).add(b2); // (32, 27)
      const loss = F.crossEntropy(logits, Ytr.get(ix));
      for (const p of parameters) p.grad = null;
      loss.backward();
      // lr = 0.1 if i < 100000 else 0.01 (the decay at half of these steps)
      const lr = i < steps / 2 ? 0.1 : 0.01;
      // for p in parameters: p.data += -lr * p.grad
      for (const p of parameters) p.data.add_(p.grad!.mul(-lr));
    }
    const after = evaluate(Xdev, Ydev);
    // torch 1.13, the same program on the same names (its own shuffle and draws): dev loss 25.85 -> 5.35 after 600
    // steps, 4.24 after 1000, 3.34 after 2000
    assert.ok(before > 15 && after < 4.8, `dev loss ${before} -> ${after}`);

    // sampling: g = torch.Generator().manual_seed(2147483647 + 10)
    const gs = new tg.Generator(2147483647 + 10);
    const names: string[] = [];
    for (let k = 0; k < 20; k++) {
      const out: number[] = [];
      let context = Array<number>(blockSize).fill(0);
      for (;;) {
        const emb = C.get(tg.tensor([context], { dtype: "int32" }));
        const h = tg.tanh(emb.view(1, -1).matmul(W1).add(b1));
        const logits = h.matmul(W2).add(b2);
        const probs = F.softmax(logits, 1);
        const ix = tg.multinomial(probs, 1, { generator: gs }).item();
        context = [...context.slice(1), ix];
        out.push(ix);
        if (ix === 0) break;
      }
      names.push(out.map((i) => itos.get(i)).join(""));
    }
    assert.equal(names.length, 20);
    for (const name of names) assert.match(name, /^[a-z]*\.$/);
  });
});

describe("PyTorch examples' MNIST main.py: the CNN with Adadelta and StepLR, on a small subset", () => {
  class Net extends nn.Module {
    conv1 = new nn.Conv2d(1, 32, 3, 1);
    conv2 = new nn.Conv2d(32, 64, 3, 1);
    dropout1 = new nn.Dropout(0.25);
    dropout2 = new nn.Dropout(0.5);
    fc1 = new nn.Linear(9216, 128);
    fc2 = new nn.Linear(128, 10);

    forward(input: tg.Tensor): tg.Tensor {
      let x = this.conv1(input);
      x = F.relu(x);
      x = this.conv2(x);
      x = F.relu(x);
      x = F.maxPool2d(x, 2);
      x = this.dropout1(x);
      x = tg.flatten(x, 1);
      x = this.fc1(x);
      x = F.relu(x);
      x = this.dropout2(x);
      x = this.fc2(x);
      // output = F.log_softmax(x, dim=1)
      const output = F.logSoftmax(x, 1);
      return output;
    }
  }

  function train(model: Net, trainLoader: tg.data.DataLoader<[tg.Tensor, tg.Tensor]>, optimizer: tg.optim.Adadelta): void {
    model.train();
    for (const [data, target] of trainLoader) {
      optimizer.zeroGrad();
      const output = model(data);
      const loss = F.nllLoss(output, target);
      loss.backward();
      optimizer.step();
    }
  }

  function test(model: Net, testLoader: tg.data.DataLoader<[tg.Tensor, tg.Tensor]>): [loss: number, correct: number] {
    model.eval();
    let testLoss = 0;
    let correct = 0;
    tg.noGrad(() => {
      for (const [data, target] of testLoader) {
        const output = model(data);
        // test_loss += F.nll_loss(output, target, reduction='sum').item()
        testLoss += F.nllLoss(output, target, { reduction: "sum" }).item();
        // pred = output.argmax(dim=1, keepdim=True)
        const pred = output.argmax(1, true);
        // correct += pred.eq(target.view_as(pred)).sum().item()
        correct += pred.eq(target.viewAs(pred)).sum().item();
      }
    });
    testLoss /= testLoader.dataset.length;
    return [testLoss, correct];
  }

  it("two epochs on 512 images: the test loss falls and the accuracy rises", async () => {
    tg.manualSeed(1);
    const { train: trainSet, test: testSet } = await loadMnist();
    // transform = transforms.Compose([transforms.ToTensor(), transforms.Normalize((0.1307,), (0.3081,))]): the bundled
    // digits are already tensors in [0, 1], so ToTensor's part is done
    const transform = new tg.data.transforms.Compose([new tg.data.transforms.Normalize([0.1307], [0.3081])]);
    const dataset1 = new tg.data.TensorDataset(transform(trainSet.images.narrow(0, 0, 512)), trainSet.labels.narrow(0, 0, 512));
    const dataset2 = new tg.data.TensorDataset(transform(testSet.images.narrow(0, 0, 500)), testSet.labels.narrow(0, 0, 500));
    // train_loader = torch.utils.data.DataLoader(dataset1, batch_size=64, shuffle=True)
    const trainLoader = new tg.data.DataLoader(dataset1, { batchSize: 64, shuffle: true });
    const testLoader = new tg.data.DataLoader(dataset2, { batchSize: 1000 });

    const model = new Net();
    // optimizer = optim.Adadelta(model.parameters(), lr=args.lr); scheduler = StepLR(optimizer, step_size=1, gamma=args.gamma)
    const optimizer = new optim.Adadelta(model.parameters(), { lr: 1.0 });
    const scheduler = new optim.lrScheduler.StepLR(optimizer, { stepSize: 1, gamma: 0.7 });
    const [lossBefore, correctBefore] = test(model, testLoader);
    const lrs: number[] = [];
    for (let epoch = 1; epoch <= 2; epoch++) {
      train(model, trainLoader, optimizer);
      lrs.push(scheduler.getLastLr()[0]);
      scheduler.step();
    }
    const [lossAfter, correctAfter] = test(model, testLoader);
    assert.deepEqual(lrs, [1, 0.7]);
    // an untrained net is at chance (loss ≈ ln 10 = 2.30, ~50 of 500 right); 16 Adadelta steps on 512 digits get most right
    assert.ok(lossBefore > 2 && lossAfter < 0.8, `test loss ${lossBefore} -> ${lossAfter}`);
    assert.ok(correctBefore < 150 && correctAfter > 350, `correct ${correctBefore} -> ${correctAfter} of 500`);
  });
});
