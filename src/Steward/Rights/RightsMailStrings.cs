using Steward.Web;

namespace Steward.Rights;

/// <summary>
/// The mail a person receives about their request: receipt (with the status link, and the verification code where one
/// is needed), a new code, an extension, a refusal (with the right to complain, S18.10), the completion, and a document
/// that did not prove their identity. Plain text; {0} is always the request's reference.
/// </summary>
internal sealed record RightsMailStrings : ILocalised<RightsMailStrings>
{
    public required string Greeting { get; init; }
    /// <summary>{0}: the sender's name.</summary>
    public required string Signature { get; init; }
    public required string DefaultSender { get; init; }
    /// <summary>How due dates are written (a .NET date format).</summary>
    public required string DateFormat { get; init; }

    public required string ReceivedSubject { get; init; }
    /// <summary>{0}: the request number; {1}: the status link; {2}: the access code (the status token); {3}: the page that looks a request up by number and code.</summary>
    public required string Received { get; init; }
    /// <summary>{0}: the due date.</summary>
    public required string DueBy { get; init; }
    public required string DueAfterVerification { get; init; }
    /// <summary>{0}: the code; {1}: its lifetime in minutes.</summary>
    public required string CodeInReceipt { get; init; }

    public required string CodeSubject { get; init; }
    /// <summary>{0}: reference; {1}: the code; {2}: its lifetime in minutes.</summary>
    public required string Code { get; init; }

    public required string ExtendedSubject { get; init; }
    /// <summary>{0}: reference; {1}: the new due date; {2}: the reason.</summary>
    public required string Extended { get; init; }

    public required string DeniedSubject { get; init; }
    /// <summary>{0}: reference; {1}: the reason; {2}: the policy's text on supervisory authorities.</summary>
    public required string Denied { get; init; }

    public required string CompletedSubject { get; init; }
    /// <summary>{0}: reference.</summary>
    public required string Completed { get; init; }
    /// <summary>{0}: reference; {1}: the answer.</summary>
    public required string CompletedWithAnswer { get; init; }
    /// <summary>{0}: the download link of the package.</summary>
    public required string PackageLink { get; init; }

    public required string NotVerifiedSubject { get; init; }
    /// <summary>{0}: reference; {1}: the reason.</summary>
    public required string NotVerified { get; init; }
    public required string DocumentDeleted { get; init; }

    public static RightsMailStrings English { get; } = new()
    {
        Greeting = "Hello,",
        Signature = "Kind regards,\n{0}",
        DefaultSender = "The privacy team",
        DateFormat = "d MMMM yyyy",
        ReceivedSubject = "We have received your privacy request",
        Received = "We have received your request about your personal information.\n\nRequest number: {0}\nAccess code: {2}\n\n"
            + "You can follow it at any time on its status page:\n{1}\nor by entering the request number and access code at {3}\n\n"
            + "Keep the link and the access code to yourself: anyone who has them can see the status of your request.",
        DueBy = "We will answer by {0}. If we need more time, as the law allows in some cases, we will tell you why before then.",
        DueAfterVerification = "The time we have to answer runs from when we have confirmed that the request comes from you. If we need more time, as the law allows in some cases, we will tell you why.",
        CodeInReceipt = "Before we act on your request, we need to confirm that it comes from you. Your verification code is:\n\n    {0}\n\n"
            + "Enter it on the status page within {1} minutes. If you did not make this request, ignore this email: nothing will be done.",
        CodeSubject = "Your verification code",
        Code = "Your verification code for request {0} is:\n\n    {1}\n\n"
            + "Enter it on the request's status page within {2} minutes. The code works once. If you did not ask for a code, ignore this email.",
        ExtendedSubject = "We need more time to answer your request",
        Extended = "As the law allows, we need more time to answer your request {0}. We will now answer by {1}.\n\nThe reason:\n{2}\n\n"
            + "You can follow your request on the status page we linked to when we received it.",
        DeniedSubject = "We cannot carry out your request",
        Denied = "We have decided not to carry out your request {0}.\n\nThe reason:\n{1}\n\n"
            + "If you disagree, contact us as our privacy notice describes and we will look at it again. "
            + "You also have the right to complain to a data protection authority and to seek a judicial remedy.\n\n{2}",
        CompletedSubject = "Your request has been completed",
        Completed = "We have completed your request {0}.\n\nIf you have questions about it, contact us as our privacy notice describes.",
        PackageLink = "Download your copy here (the link is for you alone; do not pass it on):\n{0}",
        CompletedWithAnswer = "We have completed your request {0}.\n\nOur answer:\n{1}\n\nIf you have questions about it, contact us as our privacy notice describes.",
        NotVerifiedSubject = "We could not confirm your identity",
        NotVerified = "We could not confirm your identity from the document you sent for request {0}.\n\nThe reason:\n{1}\n\n"
            + "You can send another document on the request's status page.",
        DocumentDeleted = "We have deleted the copy of your document.",
    };

    public static RightsMailStrings Chinese { get; } = new()
    {
        Greeting = "您好：",
        Signature = "祝好！\n{0}",
        DefaultSender = "隐私团队",
        DateFormat = "yyyy年M月d日",
        ReceivedSubject = "我们已收到您的个人信息相关请求",
        Received = "我们已收到您就个人信息提出的请求。\n\n请求编号：{0}\n查询码：{2}\n\n"
            + "您可随时通过以下状态页面查看办理进度：\n{1}\n也可在 {3} 输入请求编号和查询码查询。\n\n"
            + "请妥善保管此链接和查询码，不要告诉他人：任何获得它们的人均可查看您请求的状态。",
        DueBy = "我们将于 {0} 前答复您。如需在法律允许的范围内延长期限，我们会在此之前告知您延期理由。",
        DueAfterVerification = "答复期限自我们确认请求确系您本人提出之日起计算。如需在法律允许的范围内延长期限，我们会告知您延期理由。",
        CodeInReceipt = "在办理您的请求之前，我们需要确认请求确系您本人提出。您的验证码为：\n\n    {0}\n\n"
            + "请在 {1} 分钟内于状态页面输入该验证码。如该请求并非由您提出，请忽略本邮件，我们不会作任何处理。",
        CodeSubject = "您的验证码",
        Code = "您的请求（编号 {0}）的验证码为：\n\n    {1}\n\n"
            + "请在 {2} 分钟内于该请求的状态页面输入。验证码仅可使用一次。如您并未申请验证码，请忽略本邮件。",
        ExtendedSubject = "我们需要延长答复您请求的期限",
        Extended = "在法律允许的范围内，我们需要延长答复您的请求（编号 {0}）的期限，现将于 {1} 前答复您。\n\n延期理由：\n{2}\n\n"
            + "您可通过我们确认收到请求时提供的状态页面链接查看办理进度。",
        DeniedSubject = "我们无法办理您的请求",
        Denied = "经审查，我们决定不办理您的请求（编号 {0}）。\n\n理由如下：\n{1}\n\n"
            + "如有异议，请按照我们隐私声明所述方式联系我们，我们将重新审查。"
            + "您也有权向履行个人信息保护职责的部门投诉，并可依法向人民法院提起诉讼。\n\n{2}",
        CompletedSubject = "您的请求已办理完毕",
        Completed = "您的请求（编号 {0}）已办理完毕。\n\n如有疑问，请按照我们隐私声明所述方式联系我们。",
        PackageLink = "请通过以下链接下载您的副本（该链接仅供您本人使用，请勿转发）：\n{0}",
        CompletedWithAnswer = "您的请求（编号 {0}）已办理完毕。\n\n我们的答复：\n{1}\n\n如有疑问，请按照我们隐私声明所述方式联系我们。",
        NotVerifiedSubject = "我们无法核实您的身份",
        NotVerified = "根据您为请求（编号 {0}）提交的证件，我们无法核实您的身份。\n\n理由如下：\n{1}\n\n"
            + "您可在该请求的状态页面重新提交其他证件。",
        DocumentDeleted = "我们已删除您提交的证件照片或扫描件。",
    };
}
