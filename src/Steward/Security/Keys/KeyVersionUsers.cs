namespace Steward.Security.Keys;

/// <summary>
/// Rows protected by versions of one ring key (subject data keys, blind indexes, erasure tombstones). Rotation moves them
/// to the newest version in batches; <c>steward keys remove</c> asks them whether an old version is still used.
/// Register with <c>services.AddSingleton&lt;IKeyVersionUser, X&gt;()</c>.
/// </summary>
internal interface IKeyVersionUser
{
    string Purpose { get; }

    /// <summary>What the rows are, for messages: "subject data key(s)".</summary>
    string What { get; }

    /// <summary>False when the rows cannot be moved to a newer version (their inputs are gone): the version stays while they do.</summary>
    bool Movable { get; }

    /// <summary>How many rows use <paramref name="version"/>.</summary>
    Task<int> CountOnAsync(int version, CancellationToken ct);

    /// <summary>How many rows use a version older than <paramref name="version"/>.</summary>
    Task<int> CountBelowAsync(int version, CancellationToken ct);

    /// <summary>
    /// Moves the next batch of rows on older versions, after id <paramref name="after"/> in id order, to <paramref name="current"/> in one
    /// transaction (ids, not offsets: a batch never rescans rows already moved). <see cref="KeyMoveBatch.Moved"/> is 0 when none are left.
    /// </summary>
    Task<KeyMoveBatch> MoveBatchAsync(ManagedKey current, Guid after, CancellationToken ct);
}

/// <summary>How many rows a batch moved and the last id it read (where the next batch starts).</summary>
internal readonly record struct KeyMoveBatch(int Moved, Guid Last)
{
    public static KeyMoveBatch None => new(0, Guid.Empty);
}
