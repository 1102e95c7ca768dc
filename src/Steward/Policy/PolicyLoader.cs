using System.Collections;
using System.ComponentModel.DataAnnotations;
using System.Globalization;
using System.Reflection;
using System.Text.Json;
using System.Text.Json.Serialization;
using Steward.Policy.Model;
using YamlDotNet.Core;
using YamlDotNet.Core.Events;
using YamlDotNet.RepresentationModel;

namespace Steward.Policy;

/// <summary>The outcome of reading a policy: the model (when it could be built) and every problem, located.</summary>
/// <summary>What <see cref="PolicyLoader.Load"/> read; <paramref name="Suppressed"/> counts problems found beyond <see cref="PolicyLoader.MaxProblemsComputed"/> and not described.</summary>
internal sealed record PolicyLoadResult(PolicyDocument? Document, SourceMap Map, IReadOnlyList<PolicyDiagnostic> Diagnostics, int Suppressed = 0);

/// <summary>
/// Reads a policy from a YAML file or a folder of YAML files (merged), following <c>include</c>,
/// and binds it to <see cref="PolicyDocument"/> while remembering where every part came from.
/// Malformed input never throws: it becomes located diagnostics.
/// </summary>
internal static class PolicyLoader
{
    public const long MaxFileBytes = 2 * 1024 * 1024;
    public const int MaxDepth = 40;
    public const int MaxFiles = 200;
    /// <summary>Past this many problems the binder only counts them: describing 200,000 unknown keys (with suggestions) costs seconds per request.</summary>
    public const int MaxProblemsComputed = 1000;

    /// <summary>Names in YAML follow the JSON naming of the model (snake_case, kebab-case enum values).</summary>
    public static readonly JsonSerializerOptions Json = CreateJsonOptions();

    private static JsonSerializerOptions CreateJsonOptions()
    {
        var o = new JsonSerializerOptions
        {
            PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
            DictionaryKeyPolicy = null,
            DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
            WriteIndented = false,
            TypeInfoResolver = new System.Text.Json.Serialization.Metadata.DefaultJsonTypeInfoResolver(),
            Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        };
        o.Converters.Add(new JsonStringEnumConverter(JsonNamingPolicy.KebabCaseLower));
        o.MakeReadOnly();
        return o;
    }

    /// <summary>The <c>policy</c> subfolder with YAML files in <paramref name="folder"/>, as the caller would write it; null when there is none.</summary>
    private static string? PolicySubfolder(string folder)
    {
        var inner = Path.Combine(folder, "policy");
        if (!Directory.Exists(inner)) return null;
        var hasYaml = Directory.EnumerateFiles(inner, "*.*", SearchOption.AllDirectories).Any(IsYaml);
        return hasYaml ? Path.Join(folder.TrimEnd('/', '\\'), "policy") : null;
    }

    /// <summary>Reads the policy at <paramref name="path"/>; without <paramref name="allowIncludes"/> (text received over the network) an include is refused, as it could read any file of the server.</summary>
    public static PolicyLoadResult Load(string path, bool allowIncludes = true)
    {
        var diagnostics = new List<PolicyDiagnostic>();
        var map = new SourceMap();
        var entries = new List<Entry>();
        var root = new SourceLocation(path, 1, 1);

        if (Directory.Exists(path) && PolicySubfolder(path) is { } inner)
        {
            // A folder that holds a policy/ folder (the examples' layout, with a README and a clause map beside it) is not
            // itself a policy: reading everything in it would answer with a page of errors about the other files.
            diagnostics.Add(new(root, Severity.Error, PolicyCodes.FileProblem,
                $"{path.TrimEnd('/', '\\')} is an example folder, not a policy; its policy is in {inner}"));
        }
        else if (Directory.Exists(path))
        {
            List<string> files;
            try { files = PolicyFiles(path); }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                diagnostics.Add(new(root, Severity.Error, PolicyCodes.FileProblem, $"Cannot read the folder: {e.Message}"));
                return new PolicyLoadResult(null, map, diagnostics);
            }
            if (files.Count == 0)
                diagnostics.Add(new(root, Severity.Error, PolicyCodes.FileProblem, "The folder holds no .yaml or .yml files."));
            if (files.Count > MaxFiles)
                diagnostics.Add(new(root, Severity.Error, PolicyCodes.FileProblem, $"The folder holds {files.Count} YAML files; at most {MaxFiles} are read."));
            else
            {
                var included = new HashSet<string>(StringComparer.Ordinal);
                foreach (var f in files) ReadFile(f, [], included, entries, diagnostics, null, allowIncludes);
            }
        }
        else if (File.Exists(path))
        {
            ReadFile(path, [], new HashSet<string>(StringComparer.Ordinal), entries, diagnostics, null, allowIncludes);
        }
        else
        {
            diagnostics.Add(new(new SourceLocation(path, 1, 1), Severity.Error, PolicyCodes.FileProblem, "No such file or folder."));
        }

        if (diagnostics.Any(d => d.Severity == Severity.Error) && entries.Count == 0)
            return new PolicyLoadResult(null, map, diagnostics);

        var merged = new Dictionary<YamlMappingNode, MergedMapping>(ReferenceEqualityComparer.Instance);
        var topLevel = MergeTopLevel(entries, merged, diagnostics);
        var binder = new Binder(map, diagnostics, merged);
        var document = (PolicyDocument)binder.BindObject(topLevel, typeof(PolicyDocument),
            entries.Count > 0 ? Loc(entries[0].File, entries[0].Key) : root, "")!;
        return new PolicyLoadResult(document, map, diagnostics, binder.Suppressed);
    }

    /// <summary>
    /// The .yaml/.yml files of a policy folder and of its subfolders at any depth, in ordinal order of their paths.
    /// Names starting with a dot are skipped: .git, .github/workflows/*.yml and editors' lock files are no policy.
    /// Linked folders are followed, but a folder reached twice is read once, so a link loop cannot repeat the policy.
    /// </summary>
    private static List<string> PolicyFiles(string folder)
    {
        var files = new List<string>();
        var visited = new HashSet<string>(StringComparer.Ordinal);
        var pending = new Stack<string>([folder]);
        while (pending.TryPop(out var dir))
        {
            var info = new DirectoryInfo(dir);
            if (!visited.Add(info.ResolveLinkTarget(returnFinalTarget: true)?.FullName ?? info.FullName)) continue;
            foreach (var entry in info.EnumerateFileSystemInfos())
            {
                if (entry.Name.StartsWith('.')) continue;
                // Joined to the path as given, so problems name files the way the caller wrote the folder.
                if (entry is DirectoryInfo) pending.Push(Path.Join(dir, entry.Name));
                else if (IsYaml(entry.Name)) files.Add(Path.Join(dir, entry.Name));
            }
        }
        files.Sort(StringComparer.Ordinal);
        return files;
    }

    private static bool IsYaml(string name) =>
        name.EndsWith(".yaml", StringComparison.OrdinalIgnoreCase) || name.EndsWith(".yml", StringComparison.OrdinalIgnoreCase);

    /// <summary>One key/value of a mapping and the file it is in.</summary>
    internal sealed record Entry(YamlScalarNode Key, YamlNode Value, string File);

    private static void ReadFile(string file, List<string> stack, HashSet<string> done, List<Entry> entries,
        List<PolicyDiagnostic> diagnostics, SourceLocation? includedFrom, bool allowIncludes)
    {
        string full;
        try { full = Path.GetFullPath(file); }
        catch (Exception e) when (e is ArgumentException or NotSupportedException or PathTooLongException)
        {
            diagnostics.Add(new(includedFrom ?? new(file, 1, 1), Severity.Error, PolicyCodes.FileProblem, "The path is not a valid file name."));
            return;
        }
        if (stack.Contains(full))
        {
            diagnostics.Add(new(includedFrom ?? new(file, 1, 1), Severity.Error, PolicyCodes.FileProblem,
                $"Include cycle: {string.Join(" -> ", stack.Append(full).Select(Path.GetFileName))}."));
            return;
        }
        if (!done.Add(full)) return;
        var info = new FileInfo(full);
        if (!info.Exists)
        {
            diagnostics.Add(new(includedFrom ?? new(file, 1, 1), Severity.Error, PolicyCodes.FileProblem, $"Included file '{file}' does not exist."));
            return;
        }
        if (FileType.DescribeIfSpecial(full) is { } special)
        {
            // Opening a named pipe blocks until someone writes to it, and a device can be endless: never opened.
            diagnostics.Add(new(includedFrom ?? new(file, 1, 1), Severity.Error, PolicyCodes.FileProblem,
                $"{file} is {special}, not a regular file; a policy is read from ordinary files only."));
            return;
        }
        if (info.Length == 0)
        {
            // Where the kind of file cannot be told, devices and pipes report length 0 too: never opened either.
            diagnostics.Add(new(new(file, 1, 1), Severity.Warning, PolicyCodes.FileProblem, "The file is empty."));
            return;
        }
        if (info.Length > MaxFileBytes)
        {
            diagnostics.Add(new(new(file, 1, 1), Severity.Error, PolicyCodes.FileProblem,
                $"The file is {info.Length / 1024} KiB; policy files may be at most {MaxFileBytes / 1024 / 1024} MiB."));
            return;
        }

        ReadOnlyMemory<byte> bytes;
        try { bytes = ReadCapped(full, info.Length); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            diagnostics.Add(new(new(file, 1, 1), Severity.Error, PolicyCodes.FileProblem, $"Cannot read the file: {e.Message}"));
            return;
        }
        if (PolicyText.Decode(file, bytes.Span, diagnostics) is not { } text || !PreScan(file, text, diagnostics)) return;

        var stream = new YamlStream();
        try
        {
            stream.Load(new StringReader(text));
        }
        catch (YamlException e) when (e.Message.Contains("Duplicate key", StringComparison.Ordinal))
        {
            var key = e.Message[(e.Message.IndexOf("Duplicate key", StringComparison.Ordinal) + "Duplicate key".Length)..].Trim().TrimEnd('.');
            diagnostics.Add(new(new(file, Math.Max(1, (int)e.Start.Line), Math.Max(1, (int)e.Start.Column)), Severity.Error, PolicyCodes.DuplicateKey,
                $"Key '{key}' is defined twice in the same mapping; keep one."));
            return;
        }
        catch (YamlException e)
        {
            diagnostics.Add(new(ErrorLocation(file, e, text), Severity.Error, PolicyCodes.YamlSyntax, YamlMessage(e)));
            return;
        }
        if (stream.Documents.Count == 0 || stream.Documents[0].RootNode is YamlScalarNode { Value: null or "" })
        {
            diagnostics.Add(new(new(file, 1, 1), Severity.Warning, PolicyCodes.FileProblem, "The file is empty."));
            return;
        }
        if (stream.Documents.Count > 1)
            diagnostics.Add(new(Loc(file, stream.Documents[1].RootNode), Severity.Error, PolicyCodes.YamlSyntax,
                "A policy file holds one YAML document; remove the '---' separator or split the file."));
        if (stream.Documents[0].RootNode is not YamlMappingNode rootMap)
        {
            diagnostics.Add(new(Loc(file, stream.Documents[0].RootNode), Severity.Error, PolicyCodes.WrongType,
                "The top of a policy file must be a mapping of sections (steward:, organisation:, purposes:, ...)."));
            return;
        }

        stack.Add(full);
        foreach (var (k, v) in rootMap.Children)
        {
            if (k is not YamlScalarNode key)
            {
                diagnostics.Add(new(Loc(file, k), Severity.Error, PolicyCodes.WrongType, "Section names must be plain words."));
                continue;
            }
            if (key.Value == "include")
            {
                if (!allowIncludes)
                {
                    diagnostics.Add(new(Loc(file, key), Severity.Error, PolicyCodes.FileProblem,
                        "'include' is not available for a policy sent over the API; send the whole policy as one text."));
                    continue;
                }
                if (v is not YamlSequenceNode list)
                {
                    diagnostics.Add(new(Loc(file, v), Severity.Error, PolicyCodes.WrongType, "'include' takes a list of file paths."));
                    continue;
                }
                foreach (var item in list.Children)
                {
                    if (item is not YamlScalarNode { Value: { Length: > 0 } rel })
                    {
                        diagnostics.Add(new(Loc(file, item), Severity.Error, PolicyCodes.WrongType, "Each include is a file path."));
                        continue;
                    }
                    var target = Path.Combine(Path.GetDirectoryName(file) ?? ".", rel);
                    ReadFile(target, stack, done, entries, diagnostics, Loc(file, item), allowIncludes);
                }
                continue;
            }
            entries.Add(new Entry(key, v, file));
        }
        stack.RemoveAt(stack.Count - 1);
    }

    /// <summary>Reads the file's announced length and no more, so a file that grows while it is read cannot exhaust memory.</summary>
    private static ReadOnlyMemory<byte> ReadCapped(string path, long length)
    {
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
        var buffer = new byte[length + 1];
        var total = 0;
        int read;
        while (total < buffer.Length && (read = stream.Read(buffer, total, buffer.Length - total)) > 0) total += read;
        if (total > length) throw new IOException("it changed while being read");
        return buffer.AsMemory(0, total);
    }

    /// <summary>
    /// Walks the event stream once, without recursion, to refuse what would hurt the loader:
    /// deep nesting and anchors/aliases (which can expand exponentially).
    /// </summary>
    private static bool PreScan(string file, string text, List<PolicyDiagnostic> diagnostics)
    {
        var parser = new Parser(new StringReader(text));
        var depth = 0;
        var last = new SourceLocation(file, 1, 1);
        try
        {
            while (parser.MoveNext())
            {
                var ev = parser.Current!;
                last = new SourceLocation(file, Math.Max(1, (int)ev.End.Line), Math.Max(1, (int)ev.End.Column));
                if (ev is AnchorAlias alias)
                {
                    diagnostics.Add(new(new(file, (int)alias.Start.Line, (int)alias.Start.Column), Severity.Error, PolicyCodes.YamlSyntax,
                        "Anchors and aliases (&name, *name) are not supported in policy files; write the value out."));
                    return false;
                }
                if (ev is NodeEvent { Anchor.IsEmpty: false } anchored)
                {
                    diagnostics.Add(new(new(file, (int)anchored.Start.Line, (int)anchored.Start.Column), Severity.Error, PolicyCodes.YamlSyntax,
                        "Anchors and aliases (&name, *name) are not supported in policy files; write the value out."));
                    return false;
                }
                if (ev is MappingStart or SequenceStart)
                {
                    if (++depth > MaxDepth)
                    {
                        diagnostics.Add(new(new(file, (int)ev.Start.Line, (int)ev.Start.Column), Severity.Error, PolicyCodes.YamlSyntax,
                            $"The YAML is nested more than {MaxDepth} levels deep; a policy never needs that."));
                        return false;
                    }
                }
                else if (ev is MappingEnd or SequenceEnd) depth--;
            }
        }
        catch (YamlException e)
        {
            diagnostics.Add(new(ErrorLocation(file, e, text), Severity.Error, PolicyCodes.YamlSyntax, YamlMessage(e)));
            return false;
        }
        catch (InvalidOperationException)
        {
            // The YAML scanner can fail without a location on some malformed input; point after the last good part.
            diagnostics.Add(new(last, Severity.Error, PolicyCodes.YamlSyntax,
                "YAML syntax: the text after this point cannot be read (an unclosed bracket, brace or quote?)."));
            return false;
        }
        return true;
    }

    /// <summary>YamlDotNet marks the start of the enclosing construct and the place it failed; the latter is what to fix.</summary>
    private static SourceLocation ErrorLocation(string file, YamlException e, string text)
    {
        if (e.Message.Contains("tab", StringComparison.OrdinalIgnoreCase))
        {
            // YamlDotNet points at the enclosing mapping; the tab itself is more useful.
            var lines = text.Split('\n');
            for (var i = 0; i < lines.Length; i++)
            {
                var indent = lines[i].Length - lines[i].TrimStart(' ', '\t').Length;
                var tab = lines[i].IndexOf('\t', StringComparison.Ordinal);
                if (tab >= 0 && tab < indent) return new(file, i + 1, tab + 1);
            }
        }
        var mark = e.End.Line >= e.Start.Line ? e.End : e.Start;
        return new(file, Math.Max(1, (int)mark.Line), Math.Max(1, (int)mark.Column));
    }

    private static string YamlMessage(YamlException e)
    {
        var message = e.Message;
        // YamlDotNet prefixes "(Line: 3, Col: 5, Idx: 20) - (Line: ...): "; the location is printed already.
        var cut = message.LastIndexOf("): ", StringComparison.Ordinal);
        if (message.StartsWith("(Line", StringComparison.Ordinal) && cut > 0) message = message[(cut + 3)..];
        message = message.TrimEnd('.');
        if (message.Contains("tab", StringComparison.OrdinalIgnoreCase))
            message += " (YAML indents with spaces, never tabs)";
        return "YAML syntax: " + message + ".";
    }

    /// <summary>Merges the top-level sections of several files; map sections merge key by key.</summary>
    private static List<Entry> MergeTopLevel(List<Entry> entries, Dictionary<YamlMappingNode, MergedMapping> mergedMaps, List<PolicyDiagnostic> diagnostics)
    {
        var merged = new List<Entry>();
        var seen = new Dictionary<string, Entry>(StringComparer.Ordinal);
        foreach (var e in entries)
        {
            if (!seen.TryGetValue(e.Key.Value!, out var first))
            {
                seen[e.Key.Value!] = e;
                merged.Add(e);
                continue;
            }
            if (first.Value is YamlMappingNode && e.Value is YamlMappingNode && IsKeyedSection(e.Key.Value!))
            {
                var combined = new MergedMapping(first, e, mergedMaps);
                var index = merged.IndexOf(first);
                var replacement = first with { Value = combined.Node };
                mergedMaps[combined.Node] = combined;
                merged[index] = replacement;
                seen[e.Key.Value!] = replacement;
                continue;
            }
            diagnostics.Add(new(Loc(e.File, e.Key), Severity.Error, PolicyCodes.DuplicateKey,
                $"Section '{e.Key.Value}' is also defined at {Loc(first.File, first.Key)}; only map sections (purposes, recipients, ...) can be split across files."));
        }
        return merged;
    }

    private static bool IsKeyedSection(string name)
    {
        var property = Binder.PropertiesOf(typeof(PolicyDocument)).GetValueOrDefault(name);
        return property is not null && IsDictionary(property.PropertyType);
    }

    internal static bool IsDictionary(Type t) => t.IsGenericType && t.GetGenericTypeDefinition() == typeof(Dictionary<,>);

    internal static SourceLocation Loc(string file, YamlNode node) =>
        new(file, Math.Max(1, (int)node.Start.Line), Math.Max(1, (int)node.Start.Column));

    /// <summary>A map section assembled from several files: remembers which entry came from which file.</summary>
    internal sealed class MergedMapping
    {
        public YamlMappingNode Node { get; } = new();
        public List<Entry> Entries { get; } = [];

        public MergedMapping(Entry first, Entry second, Dictionary<YamlMappingNode, MergedMapping> known)
        {
            Add(first, known);
            Add(second, known);
        }

        private void Add(Entry e, Dictionary<YamlMappingNode, MergedMapping> known)
        {
            if (e.Value is YamlMappingNode m && known.TryGetValue(m, out var inner))
            {
                Entries.AddRange(inner.Entries);
                return;
            }
            foreach (var (k, v) in ((YamlMappingNode)e.Value).Children)
                if (k is YamlScalarNode key) Entries.Add(new Entry(key, v, e.File));
        }
    }

    /// <summary>Binds YAML nodes to the model by reflection, using the model's JSON names.</summary>
    internal sealed class Binder(SourceMap map, List<PolicyDiagnostic> diagnostics, Dictionary<YamlMappingNode, MergedMapping> merged)
    {
        private static readonly Dictionary<Type, Dictionary<string, PropertyInfo>> PropertyCache = [];

        public static Dictionary<string, PropertyInfo> PropertiesOf(Type type)
        {
            lock (PropertyCache)
            {
                if (PropertyCache.TryGetValue(type, out var cached)) return cached;
                var props = type.GetProperties(BindingFlags.Public | BindingFlags.Instance)
                    .Where(p => p.CanWrite)
                    .ToDictionary(YamlName, p => p, StringComparer.Ordinal);
                PropertyCache[type] = props;
                return props;
            }
        }

        public static string YamlName(PropertyInfo p) =>
            p.GetCustomAttribute<JsonPropertyNameAttribute>()?.Name ?? JsonNamingPolicy.SnakeCaseLower.ConvertName(p.Name);

        public static string EnumName(object value) => JsonNamingPolicy.KebabCaseLower.ConvertName(value.ToString()!);

        /// <summary>Problems found after <see cref="MaxProblemsComputed"/>, counted but not described.</summary>
        public int Suppressed { get; private set; }

        private bool Saturated => diagnostics.Count >= MaxProblemsComputed;

        private void Error(SourceLocation at, string code, string message)
        {
            if (Saturated) Suppressed++;
            else diagnostics.Add(new PolicyDiagnostic(at, Severity.Error, code, message));
        }

        private List<Entry> EntriesOf(YamlMappingNode node, string file)
        {
            if (merged.TryGetValue(node, out var combined)) return combined.Entries;
            var entries = new List<Entry>(node.Children.Count);
            foreach (var (key, value) in node.Children)
            {
                if (key is YamlScalarNode scalar) entries.Add(new Entry(scalar, value, file));
                else Error(Loc(file, key), PolicyCodes.WrongType, "Keys must be plain words, not lists or mappings.");
            }
            return entries;
        }

        public object? BindObject(IEnumerable<Entry> entries, Type type, SourceLocation at, string what)
        {
            var target = Activator.CreateInstance(type)!;
            map.Set(target, "", at);
            var props = PropertiesOf(type);
            var present = new HashSet<string>(StringComparer.Ordinal);
            foreach (var e in entries)
            {
                var name = e.Key.Value ?? "";
                var keyAt = Loc(e.File, e.Key);
                if (!props.TryGetValue(name, out var prop))
                {
                    if (Saturated)
                    {
                        Suppressed++;
                        continue;
                    }
                    var hint = Suggest(name, props.Keys);
                    Error(keyAt, PolicyCodes.UnknownField,
                        $"Unknown field '{name}' in {Name(what)}{(hint is null ? "" : $"; did you mean '{hint}'?")}");
                    continue;
                }
                present.Add(name);
                map.Set(target, name, keyAt);
                var value = Bind(e.Value, e.File, prop.PropertyType, Join(what, name), keyAt);
                if (value is not null) prop.SetValue(target, value);
            }
            foreach (var (name, prop) in props)
            {
                if (!present.Contains(name) && prop.GetCustomAttribute<RequiredAttribute>() is not null)
                    Error(at, PolicyCodes.MissingField, $"{Capitalise(Name(what))} needs '{name}'.");
            }
            return target;
        }

        /// <summary>Binds one node to <paramref name="type"/>; objects report missing fields at <paramref name="keyAt"/> (their key), when known.</summary>
        public object? Bind(YamlNode node, string file, Type type, string what, SourceLocation? keyAt = null)
        {
            var at = Loc(file, node);
            var underlying = Nullable.GetUnderlyingType(type) ?? type;
            if (node is YamlScalarNode { Style: ScalarStyle.Plain, Value: null or "" or "~" or "null" } && underlying != typeof(string))
                return null;

            if (underlying == typeof(string))
            {
                if (node is YamlScalarNode s) return s.Value;
                Error(at, PolicyCodes.WrongType, $"{Capitalise(Name(what))} should be a text, not a {Shape(node)}.");
                return null;
            }
            if (underlying == typeof(LocalizedText)) return BindText(node, file, what);
            if (underlying == typeof(int))
            {
                if (node is YamlScalarNode s && int.TryParse(s.Value, NumberStyles.Integer, CultureInfo.InvariantCulture, out var i)) return i;
                Error(at, PolicyCodes.WrongType, $"{Capitalise(Name(what))} should be a whole number, not '{Describe(node)}'.");
                return null;
            }
            if (underlying == typeof(bool))
            {
                if (node is YamlScalarNode { Value: "true" or "false" } s) return s.Value == "true";
                Error(at, PolicyCodes.WrongType, $"{Capitalise(Name(what))} should be true or false, not '{Describe(node)}'.");
                return null;
            }
            if (underlying == typeof(Duration))
            {
                if (node is YamlScalarNode s && Duration.TryParse(s.Value, out var d)) return d;
                Error(at, PolicyCodes.MalformedDuration,
                    $"{Capitalise(Name(what))} '{Describe(node)}' is not a period; write ISO 8601 like P30D, P6M, P3Y or P1Y6M{(what.Contains("lifetime", StringComparison.Ordinal) ? ", or 'session'" : "")}.");
                return null;
            }
            if (underlying == typeof(DateOnly))
            {
                if (node is YamlScalarNode s && DateOnly.TryParseExact(s.Value, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var date)) return date;
                Error(at, PolicyCodes.MalformedDate, $"{Capitalise(Name(what))} '{Describe(node)}' is not a date; write YYYY-MM-DD.");
                return null;
            }
            if (underlying.IsEnum)
            {
                var names = Enum.GetValues(underlying).Cast<object>().ToDictionary(EnumName, v => v, StringComparer.Ordinal);
                if (node is YamlScalarNode { Value: { } v } && names.TryGetValue(v, out var value)) return value;
                var hint = node is YamlScalarNode { Value: { } given } ? Suggest(given, names.Keys) : null;
                Error(at, PolicyCodes.WrongType,
                    $"{Capitalise(Name(what))} '{Describe(node)}' is not one of: {string.Join(", ", names.Keys)}{(hint is null ? "" : $"; did you mean '{hint}'?")}");
                return null;
            }
            if (underlying == typeof(LegalBases))
            {
                // One basis or a list of them: "consent" and "[contract, legal-obligation]" both read naturally.
                var items = node is YamlSequenceNode bases ? bases.Children : (IEnumerable<YamlNode>)[node];
                var result = new LegalBases();
                map.Set(result, "", at);
                foreach (var item in items)
                    if (Bind(item, file, typeof(LegalBasis), what) is LegalBasis basis)
                    {
                        map.Set(result, result.Count.ToString(CultureInfo.InvariantCulture), Loc(file, item));
                        result.Add(basis);
                    }
                return result.Count == 0 ? null : result;
            }
            if (underlying.IsGenericType && underlying.GetGenericTypeDefinition() == typeof(List<>))
            {
                if (node is not YamlSequenceNode seq)
                {
                    Error(at, PolicyCodes.WrongType, $"{Capitalise(Name(what))} should be a list (- item), not a {Shape(node)}.");
                    return null;
                }
                var itemType = underlying.GetGenericArguments()[0];
                var list = (IList)Activator.CreateInstance(underlying)!;
                map.Set(list, "", at);
                foreach (var item in seq.Children)
                {
                    var value = Bind(item, file, itemType, $"{what}[{list.Count.ToString(CultureInfo.InvariantCulture)}]");
                    if (value is null) continue;
                    map.Set(list, list.Count.ToString(CultureInfo.InvariantCulture), Loc(file, item));
                    list.Add(value);
                }
                return list;
            }
            if (IsDictionary(underlying))
            {
                if (node is not YamlMappingNode m)
                {
                    Error(at, PolicyCodes.WrongType, $"{Capitalise(Name(what))} should be a mapping of keys to entries, not a {Shape(node)}.");
                    return null;
                }
                var valueType = underlying.GetGenericArguments()[1];
                var dict = (IDictionary)Activator.CreateInstance(underlying)!;
                map.Set(dict, "", at);
                var firstSeen = new Dictionary<string, SourceLocation>(StringComparer.Ordinal);
                foreach (var e in EntriesOf(m, file))
                {
                    var key = e.Key.Value ?? "";
                    var entryAt = Loc(e.File, e.Key);
                    if (firstSeen.TryGetValue(key, out var first))
                    {
                        Error(entryAt, PolicyCodes.DuplicateKey, $"Key '{key}' is defined twice in {Name(what)} (first at {first}).");
                        continue;
                    }
                    firstSeen[key] = entryAt;
                    if (!IsValidKey(key))
                    {
                        Error(entryAt, PolicyCodes.WrongType, $"Key '{key}' in {Name(what)} may only use letters, digits, '.', '_' and '-'.");
                        continue;
                    }
                    var value = Bind(e.Value, e.File, valueType, Join(what, key), entryAt);
                    if (value is null) continue;
                    map.Set(dict, key, entryAt);
                    dict[key] = value;
                }
                return dict;
            }
            if (underlying.IsClass)
            {
                if (node is not YamlMappingNode m)
                {
                    Error(at, PolicyCodes.WrongType, $"{Capitalise(Name(what))} should be a mapping (key: value), not a {Shape(node)}.");
                    return null;
                }
                return BindObject(EntriesOf(m, file), underlying, keyAt ?? at, what);
            }
            throw new InvalidOperationException($"The policy model uses {underlying.Name}, which the loader cannot bind.");
        }

        private LocalizedText? BindText(YamlNode node, string file, string what)
        {
            var at = Loc(file, node);
            if (node is YamlScalarNode)
            {
                Error(at, PolicyCodes.MissingTranslation,
                    $"{Capitalise(Name(what))} is a public text and needs both languages: write it as {{ en: ..., zh-CN: ... }}.");
                return null;
            }
            if (node is not YamlMappingNode m)
            {
                Error(at, PolicyCodes.WrongType, $"{Capitalise(Name(what))} should be {{ en: ..., zh-CN: ... }}, not a {Shape(node)}.");
                return null;
            }
            var result = new LocalizedText();
            map.Set(result, "", at);
            foreach (var e in EntriesOf(m, file))
            {
                var lang = e.Key.Value ?? "";
                if (e.Value is not YamlScalarNode { Value: var value })
                {
                    Error(Loc(e.File, e.Value), PolicyCodes.WrongType, $"The {lang} text of {Name(what)} should be text.");
                    continue;
                }
                switch (lang)
                {
                    case "en": result.En = value; break;
                    case "zh-CN": result.ZhCn = value; break;
                    default:
                        var hint = lang.StartsWith("zh", StringComparison.OrdinalIgnoreCase) ? "zh-CN" : Suggest(lang, ["en", "zh-CN"]);
                        Error(Loc(e.File, e.Key), PolicyCodes.UnknownField,
                            $"Unknown language '{lang}' in {Name(what)}; texts are in en and zh-CN{(hint is null ? "" : $"; did you mean '{hint}'?")}");
                        break;
                }
            }
            if (string.IsNullOrWhiteSpace(result.En))
                Error(at, PolicyCodes.MissingTranslation, $"{Capitalise(Name(what))} has no English (en) text.");
            if (string.IsNullOrWhiteSpace(result.ZhCn))
                Error(at, PolicyCodes.MissingTranslation, $"{Capitalise(Name(what))} has no Simplified Chinese (zh-CN) text.");
            return result;
        }

        private static bool IsValidKey(string key) =>
            key.Length is > 0 and <= 100 && key.All(c => char.IsAsciiLetterOrDigit(c) || c is '.' or '_' or '-');

        private static string Shape(YamlNode node) => node switch
        {
            YamlMappingNode => "mapping",
            YamlSequenceNode => "list",
            _ => "text",
        };

        private static string Describe(YamlNode node) => node is YamlScalarNode s ? s.Value ?? "" : Shape(node);

        private static string Join(string path, string name) => path.Length == 0 ? name : $"{path}.{name}";

        /// <summary>How messages name a place: 'purposes.account.description', or "the policy" for the root.</summary>
        private static string Name(string path) => path.Length == 0 ? "the policy" : $"'{path}'";

        private static string Capitalise(string s) => s.Length == 0 ? s : char.ToUpperInvariant(s[0]) + s[1..];
    }

    /// <summary>The closest candidate within a small edit distance, for "did you mean".</summary>
    public static string? Suggest(string given, IEnumerable<string> candidates)
    {
        // Keys are short; a long one is a mistake of another kind, and the distance is costly.
        if (given.Length > 100) return null;
        string? best = null;
        var bestDistance = int.MaxValue;
        var allowedDistance = Math.Max(2, given.Length / 3);
        foreach (var c in candidates)
        {
            if (Math.Abs(c.Length - given.Length) > allowedDistance) continue; // cannot be close enough
            var d = EditDistance(given.ToLowerInvariant(), c.ToLowerInvariant());
            if (d < bestDistance)
            {
                bestDistance = d;
                best = c;
            }
        }
        return bestDistance <= allowedDistance ? best : null;
    }

    private static int EditDistance(string a, string b)
    {
        var previous = new int[b.Length + 1];
        var current = new int[b.Length + 1];
        for (var j = 0; j <= b.Length; j++) previous[j] = j;
        for (var i = 1; i <= a.Length; i++)
        {
            current[0] = i;
            for (var j = 1; j <= b.Length; j++)
                current[j] = Math.Min(Math.Min(current[j - 1] + 1, previous[j] + 1), previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1));
            (previous, current) = (current, previous);
        }
        return previous[b.Length];
    }
}
