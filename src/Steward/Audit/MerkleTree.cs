using System.Buffers;
using System.Security.Cryptography;

namespace Steward.Audit;

/// <summary>
/// RFC 6962 Merkle tree hash, computed while leaves stream past: only the roots of the perfect
/// subtrees are kept (one per bit of the size), so the head of every prefix is at hand in O(log n).
/// </summary>
internal sealed class MerkleTree
{
    private readonly List<(int Height, byte[] Hash)> _frontier = [];

    public long Size { get; private set; }

    /// <summary>
    /// The tree of <paramref name="size"/> leaves again from its <see cref="Frontier"/>, without the leaves;
    /// null when the text is not a frontier of that size. Nothing here says the roots are the right ones:
    /// compare <see cref="Root"/> with a root you trust before building on it.
    /// </summary>
    public static MerkleTree? Resume(long size, string frontier)
    {
        if (size < 0) return null;
        var parts = frontier.Length == 0 ? [] : frontier.Split(',');
        // One perfect subtree per set bit of the size, the tallest first.
        var heights = Enumerable.Range(0, 63).Reverse().Where(h => ((size >> h) & 1) == 1).ToArray();
        if (parts.Length != heights.Length) return null;
        var tree = new MerkleTree { Size = size };
        for (var i = 0; i < parts.Length; i++)
        {
            var hash = new byte[SHA256.HashSizeInBytes];
            if (Convert.FromHexString(parts[i], hash, out _, out var written) != OperationStatus.Done || written != hash.Length) return null;
            tree._frontier.Add((heights[i], hash));
        }
        return tree;
    }

    /// <summary>The roots of the perfect subtrees, left to right, in hex and comma-separated: what <see cref="Resume"/> takes.</summary>
    public string Frontier => string.Join(',', _frontier.Select(f => Convert.ToHexStringLower(f.Hash)));

    public void Add(byte[] leafHash)
    {
        _frontier.Add((0, leafHash));
        Size++;
        while (_frontier.Count >= 2 && _frontier[^1].Height == _frontier[^2].Height)
        {
            var right = _frontier[^1];
            var left = _frontier[^2];
            _frontier.RemoveRange(_frontier.Count - 2, 2);
            _frontier.Add((left.Height + 1, Node(left.Hash, right.Hash)));
        }
    }

    /// <summary>
    /// The tree hash of the leaves so far. RFC 6962 splits at the largest power of two below the size,
    /// which is exactly the leftmost perfect subtree; folding from the right gives the same tree.
    /// </summary>
    public byte[] Root()
    {
        if (_frontier.Count == 0) return SHA256.HashData([]);
        var acc = _frontier[^1].Hash;
        for (var i = _frontier.Count - 2; i >= 0; i--) acc = Node(_frontier[i].Hash, acc);
        return acc;
    }

    public string RootHex() => Convert.ToHexStringLower(Root());

    private static byte[] Node(byte[] left, byte[] right)
    {
        var input = new byte[1 + left.Length + right.Length];
        input[0] = 1;
        left.CopyTo(input, 1);
        right.CopyTo(input, 1 + left.Length);
        return SHA256.HashData(input);
    }
}
