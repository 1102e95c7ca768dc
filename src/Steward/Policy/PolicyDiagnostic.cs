namespace Steward.Policy;

/// <summary>A place in a policy file; line and column are 1-based.</summary>
internal sealed record SourceLocation(string File, int Line, int Column)
{
    public override string ToString() => $"{File}:{Line}:{Column}";
}

/// <summary>How bad a problem is: errors block publishing, warnings do not.</summary>
internal enum Severity { Error, Warning }

/// <summary>One problem found in a policy, printed as <c>PATH:LINE:COLUMN: error CODE: message</c>.</summary>
internal sealed record PolicyDiagnostic(SourceLocation Location, Severity Severity, string Code, string Message)
{
    public override string ToString() =>
        $"{Location}: {(Severity == Severity.Error ? "error" : "warning")} {Code}: {Message}";
}

/// <summary>Where each part of the bound model came from, so rules can point at the right line.</summary>
internal sealed class SourceMap
{
    private readonly Dictionary<object, Dictionary<string, SourceLocation>> _members = new(ReferenceEqualityComparer.Instance);

    /// <summary>Records where <paramref name="member"/> (a field name, map key or list index; "" for the node itself) of <paramref name="owner"/> is.</summary>
    public void Set(object owner, string member, SourceLocation location)
    {
        if (!_members.TryGetValue(owner, out var map)) _members[owner] = map = new(StringComparer.Ordinal);
        map[member] = location;
    }

    /// <summary>Where a member is, falling back to the owner itself, then to <paramref name="fallback"/>.</summary>
    public SourceLocation Of(object? owner, string member = "", SourceLocation? fallback = null)
    {
        if (owner is not null && _members.TryGetValue(owner, out var map))
        {
            if (map.TryGetValue(member, out var l)) return l;
            if (map.TryGetValue("", out var self)) return self;
        }
        return fallback ?? Unknown;
    }

    public static readonly SourceLocation Unknown = new("policy", 1, 1);
}
