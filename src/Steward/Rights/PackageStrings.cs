using Steward.Web;

namespace Steward.Rights;

/// <summary>The texts of a package's <c>index.html</c>.</summary>
internal sealed record PackageStrings : ILocalised<PackageStrings>
{
    public required string Title { get; init; }
    /// <summary>{0}: the request number; {1}: the date.</summary>
    public required string Intro { get; init; }
    public required string Files { get; init; }
    public required string Nothing { get; init; }
    public required string AboutProcessing { get; init; }
    /// <summary>{0}: the number of rows.</summary>
    public required string RowCount { get; init; }

    public static PackageStrings English { get; } = new()
    {
        Title = "Your personal information",
        Intro = "This is a copy of the personal information about you held in the systems this request covers, prepared for request {0} on {1}. Each table below is one place where we keep it; under each column you see what kind of information it is.",
        Files = "The same information is in data.json (for other programs and services) and in the csv folder (for spreadsheets).",
        Nothing = "We found no personal information about you in the systems this request covers.",
        AboutProcessing = "What we use this information for, where it comes from, whom we share it with, how long we keep it, and your rights, including the right to complain to a supervisory authority, are set out in our privacy notice:",
        RowCount = "Records: {0}",
    };

    public static PackageStrings Chinese { get; } = new()
    {
        Title = "您的个人信息",
        Intro = "这是我们为请求 {0} 于 {1} 整理的、本请求涉及的系统中您的个人信息副本。以下每个表格对应我们保存信息的一处位置；各列下方注明该信息的类别。",
        Files = "相同的信息也保存在 data.json（供其他程序和服务使用）和 csv 文件夹（供电子表格使用）中。",
        Nothing = "在本请求涉及的系统中，我们未找到您的个人信息。",
        AboutProcessing = "我们处理这些信息的目的、信息来源、与谁共享、保存期限，以及您的权利（包括向监管部门投诉的权利），请见我们的隐私声明：",
        RowCount = "记录数：{0}",
    };
}
