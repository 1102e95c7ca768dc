using Microsoft.Extensions.Options;

namespace Steward.Security.Keys;

/// <summary>Where the key-encryption key comes from. It wraps every other key and is never stored in the database.</summary>
internal sealed class KeyOptions
{
    public const string Section = "Keys";

    /// <summary>The key-encryption key, 32 bytes in base64 (e.g. from a secret store as <c>STEWARD__Keys__KeyEncryptionKey</c>).</summary>
    public string? KeyEncryptionKey { get; set; }

    /// <summary>A file holding the key-encryption key in base64, when it is not given inline.</summary>
    public string? KeyEncryptionKeyFile { get; set; }

    /// <summary>Earlier key-encryption keys, still accepted to unwrap until <c>steward keys rewrap</c> has moved every key to the current one.</summary>
    public string[] PreviousKeyEncryptionKeys { get; set; } = [];
}

/// <summary>One line per bad key setting, naming its key.</summary>
internal sealed class KeyOptionsValidator : IValidateOptions<KeyOptions>
{
    public ValidateOptionsResult Validate(string? name, KeyOptions options)
    {
        var failures = new List<string>();
        if (options.KeyEncryptionKey is { Length: > 0 } inline && !KeyEncryptionKey.TryParse(inline, out _))
            failures.Add("Keys:KeyEncryptionKey is not 32 bytes in base64 (make one with: openssl rand -base64 32).");
        if (options.KeyEncryptionKey is { Length: > 0 } && options.KeyEncryptionKeyFile is { Length: > 0 })
            failures.Add("Keys:KeyEncryptionKey and Keys:KeyEncryptionKeyFile are both set; give one.");
        for (var i = 0; i < options.PreviousKeyEncryptionKeys.Length; i++)
            if (!KeyEncryptionKey.TryParse(options.PreviousKeyEncryptionKeys[i], out _))
                failures.Add($"Keys:PreviousKeyEncryptionKeys:{i} is not 32 bytes in base64.");
        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
