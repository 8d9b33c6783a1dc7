/**
 * Gradient-boosted decision trees for a binary label over the dense features (logistic
 * loss, Newton leaf values, L2 on leaves): small trees, many rounds, a low learning rate.
 * Splits are searched on quantile bins learnt from the training data and stored as raw
 * thresholds, so serving never bins. No sampling: the same data gives the same trees, and
 * the JSON form (plain numbers) loads back to bit-identical scores.
 */
import type { ExtractedFeatures } from './prompt-features.js';
import { sigmoid, type TrainingExample } from './linear-scorer.js';

export interface BoostedTreesOptions {
  trees: number;
  depth: number;
  learningRate: number;
  /** Fewest training examples on each side of a split. */
  minLeaf: number;
  bins: number;
  /** L2 on leaf values. */
  l2: number;
}

export const DEFAULT_TREES_OPTIONS: BoostedTreesOptions = { trees: 100, depth: 2, learningRate: 0.05, minLeaf: 30, bins: 16, l2: 1 };

/** One node: [feature, threshold, left, right, value]; a leaf has feature −1 (go left when value < threshold). */
export type TreeNode = [number, number, number, number, number];

export interface SerializedBoostedTrees {
  bias: number;
  /** Each tree's nodes, root first. */
  trees: TreeNode[][];
}

function quantileEdges(values: Float64Array, bins: number): Float64Array {
  const sorted = Float64Array.from(values).sort();
  const edges: number[] = [];
  for (let bin = 1; bin < bins; bin++) {
    const edge = sorted[Math.min(sorted.length - 1, Math.floor((bin * sorted.length) / bins))] as number;
    if (edge > (sorted[0] as number) && (edges.length === 0 || edge > (edges[edges.length - 1] as number))) edges.push(edge);
  }
  return Float64Array.from(edges);
}

interface Split {
  feature: number;
  bin: number;
  gain: number;
}

export class BoostedTrees {
  private constructor(
    readonly width: number,
    readonly bias: number,
    readonly trees: TreeNode[][],
  ) {}

  logit(features: ExtractedFeatures): number {
    const dense = features.dense;
    let sum = this.bias;
    for (const tree of this.trees) {
      let node = tree[0] as TreeNode;
      while (node[0] >= 0) node = tree[(dense[node[0]] as number) < node[1] ? node[2] : node[3]] as TreeNode;
      sum += node[4];
    }
    return sum;
  }

  probability(features: ExtractedFeatures): number {
    return sigmoid(this.logit(features));
  }

  static train(examples: readonly TrainingExample[], width: number, options: BoostedTreesOptions): BoostedTrees {
    const count = examples.length;
    const column = new Float64Array(count);
    const edges = Array.from({ length: width }, (_, feature) => {
      for (let row = 0; row < count; row++) column[row] = (examples[row] as TrainingExample).dense[feature] as number;
      return quantileEdges(column, options.bins);
    });
    const bins = options.bins;
    // Row-major bin indices (binned[row * width + feature]): one row's bins share a cache line.
    const binned = new Uint8Array(width * count);
    examples.forEach((example, row) => {
      for (let feature = 0; feature < width; feature++) {
        const featureEdges = edges[feature] as Float64Array;
        const value = example.dense[feature] as number;
        let bin = 0;
        while (bin < featureEdges.length && value >= (featureEdges[bin] as number)) bin++;
        binned[row * width + feature] = bin;
      }
    });
    const positives = examples.reduce((sum, example) => sum + example.label, 0);
    const prior = Math.min(0.99, Math.max(0.01, positives / Math.max(1, count)));
    const bias = Math.log(prior / (1 - prior));
    const margin = new Float64Array(count).fill(bias);
    const gradient = new Float64Array(count);
    const hessian = new Float64Array(count);
    const trees: TreeNode[][] = [];

    /** Per feature and bin: summed gradient, hessian and count ([(feature * bins + bin) * 3 + k]). */
    const histogram = (rows: Int32Array): Float64Array => {
      const sums = new Float64Array(width * bins * 3);
      for (let position = 0; position < rows.length; position++) {
        const row = rows[position] as number;
        const rowGradient = gradient[row] as number;
        const rowHessian = hessian[row] as number;
        const offset = row * width;
        for (let feature = 0; feature < width; feature++) {
          const at = (feature * bins + (binned[offset + feature] as number)) * 3;
          sums[at] = (sums[at] as number) + rowGradient;
          sums[at + 1] = (sums[at + 1] as number) + rowHessian;
          sums[at + 2] = (sums[at + 2] as number) + 1;
        }
      }
      return sums;
    };

    const bestSplit = (sums: Float64Array, total: number): Split | undefined => {
      let totalGradient = 0;
      let totalHessian = 0;
      for (let bin = 0; bin < bins; bin++) {
        totalGradient += sums[bin * 3] as number;
        totalHessian += sums[bin * 3 + 1] as number;
      }
      const parent = (totalGradient * totalGradient) / (totalHessian + options.l2);
      let best: Split | undefined;
      for (let feature = 0; feature < width; feature++) {
        const featureBins = (edges[feature] as Float64Array).length + 1;
        let leftGradient = 0;
        let leftHessian = 0;
        let leftCount = 0;
        for (let bin = 0; bin < featureBins - 1; bin++) {
          const at = (feature * bins + bin) * 3;
          leftGradient += sums[at] as number;
          leftHessian += sums[at + 1] as number;
          leftCount += sums[at + 2] as number;
          if (leftCount < options.minLeaf) continue;
          if (total - leftCount < options.minLeaf) break;
          const rightGradient = totalGradient - leftGradient;
          const rightHessian = totalHessian - leftHessian;
          const gain = (leftGradient * leftGradient) / (leftHessian + options.l2) + (rightGradient * rightGradient) / (rightHessian + options.l2) - parent;
          if (gain > 1e-12 && (!best || gain > best.gain)) best = { feature, bin, gain };
        }
      }
      return best;
    };

    const grow = (tree: TreeNode[], rows: Int32Array, sums: Float64Array, depth: number): number => {
      const index = tree.length;
      const split = depth < options.depth ? bestSplit(sums, rows.length) : undefined;
      if (!split) {
        let sumGradient = 0;
        let sumHessian = 0;
        for (let position = 0; position < rows.length; position++) {
          sumGradient += gradient[rows[position] as number] as number;
          sumHessian += hessian[rows[position] as number] as number;
        }
        const value = (options.learningRate * sumGradient) / (sumHessian + options.l2);
        tree.push([-1, 0, -1, -1, value]);
        for (let position = 0; position < rows.length; position++) { const row = rows[position] as number; margin[row] = (margin[row] as number) + value; }
        return index;
      }
      let leftCount = 0;
      for (let position = 0; position < rows.length; position++) if ((binned[(rows[position] as number) * width + split.feature] as number) <= split.bin) leftCount++;
      const left = new Int32Array(leftCount);
      const right = new Int32Array(rows.length - leftCount);
      let leftAt = 0;
      let rightAt = 0;
      for (let position = 0; position < rows.length; position++) {
        const row = rows[position] as number;
        if ((binned[row * width + split.feature] as number) <= split.bin) left[leftAt++] = row;
        else right[rightAt++] = row;
      }
      // Sum the smaller side; the other is the parent minus it.
      const smaller = histogram(left.length <= right.length ? left : right);
      const larger = new Float64Array(sums.length);
      for (let at = 0; at < sums.length; at++) larger[at] = (sums[at] as number) - (smaller[at] as number);
      const node: TreeNode = [split.feature, (edges[split.feature] as Float64Array)[split.bin] as number, -1, -1, 0];
      tree.push(node);
      node[2] = grow(tree, left, left.length <= right.length ? smaller : larger, depth + 1);
      node[3] = grow(tree, right, left.length <= right.length ? larger : smaller, depth + 1);
      return index;
    };

    const labels = Float64Array.from(examples, (example) => example.label);
    const all = Int32Array.from({ length: count }, (_, row) => row);
    for (let round = 0; round < options.trees; round++) {
      for (let row = 0; row < count; row++) {
        const probability = sigmoid(margin[row] as number);
        // Newton on the log-loss: the leaf moves toward the residual, scaled by p(1 − p).
        gradient[row] = (labels[row] as number) - probability;
        hessian[row] = probability * (1 - probability);
      }
      // Growing the tree also adds each leaf's value to its rows' margins.
      const tree: TreeNode[] = [];
      grow(tree, all, histogram(all), 0);
      trees.push(tree);
    }
    return new BoostedTrees(width, bias, trees);
  }

  serialize(): SerializedBoostedTrees {
    return { bias: this.bias, trees: this.trees.map((tree) => tree.map((node) => [...node] as TreeNode)) };
  }

  static deserialize(data: SerializedBoostedTrees, width: number): BoostedTrees {
    if (typeof data.bias !== 'number' || !Array.isArray(data.trees)) throw new Error('model: boosted trees need "bias" and "trees"');
    for (const tree of data.trees) {
      if (!Array.isArray(tree) || tree.length === 0) throw new Error('model: an empty tree');
      tree.forEach((node, index) => {
        const valid = Array.isArray(node) && node.length === 5 && node.every((value) => typeof value === 'number');
        // Children come after their parent, so a walk always ends.
        const children = valid && (node[0] < 0 || (node[2] > index && node[3] > index && node[2] < tree.length && node[3] < tree.length));
        if (!valid || !children || node[0] >= width) throw new Error('model: a malformed tree node');
      });
    }
    return new BoostedTrees(width, data.bias, data.trees);
  }
}
