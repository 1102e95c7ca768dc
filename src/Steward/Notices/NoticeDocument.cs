namespace Steward.Notices;

/// <summary>A generated document (notice, record of processing) before it becomes HTML or Markdown.</summary>
public sealed record NoticeDocument(string Lang, string Title, IReadOnlyList<string> Lead, IReadOnlyList<NoticeSection> Sections);

/// <summary>One of the parts of the notice, with an anchor id.</summary>
public sealed record NoticeSection(string Id, string Heading, IReadOnlyList<Block> Blocks);

/// <summary>A piece of a section. Text in any block may carry web and email addresses: they become links when rendered.</summary>
public abstract record Block;

/// <summary>A heading below the section heading (level 3 or 4).</summary>
internal sealed record Heading(int Level, string Text, string? Id = null) : Block;

/// <summary>A paragraph of plain text.</summary>
internal sealed record Paragraph(string Text) : Block;

/// <summary>A paragraph that leads with a bold label: "How long we keep it: ...".</summary>
internal sealed record LabelledParagraph(string Label, string Text) : Block;

/// <summary>A bulleted list.</summary>
internal sealed record BulletList(IReadOnlyList<string> Items) : Block;

/// <summary>A table with a header row; the first column names the row.</summary>
internal sealed record Table(string Caption, IReadOnlyList<string> Headers, IReadOnlyList<IReadOnlyList<string>> Rows) : Block;

/// <summary>Links, e.g. to supplementary notices or the rights pages.</summary>
internal sealed record LinkList(IReadOnlyList<(string Text, string Href)> Links) : Block;

/// <summary>
/// The second layer of a layered notice: a summary the reader sees, and blocks shown when they open it
/// (HTML <c>&lt;details&gt;</c>; Markdown has no such element, so the summary becomes a heading of
/// <paramref name="Level"/> and the blocks follow it in the same order).
/// </summary>
internal sealed record Details(string Summary, IReadOnlyList<Block> Blocks, int Level = 4, string? Id = null) : Block;

/// <summary>What changed from the previous version, shown above an older or newer version of the notice.</summary>
public sealed record NoticeChanges(int Previous, IReadOnlyList<PolicyChange> List);
