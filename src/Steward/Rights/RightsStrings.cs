using Steward.Web;

namespace Steward.Rights;

/// <summary>The texts of the rights pages: the request form, the confirmation and the status page.</summary>
internal sealed record RightsStrings : ILocalised<RightsStrings>
{
    public required string Title { get; init; }
    public required string Intro { get; init; }
    public required string LawLabel { get; init; }
    public required string ShowRights { get; init; }
    /// <summary>{0}: the law's name.</summary>
    public required string RightsHeading { get; init; }
    public required string HowHeading { get; init; }
    public required string LimitsHeading { get; init; }
    public required string FormHeading { get; init; }
    public required string KindLabel { get; init; }
    public required string QuestionKind { get; init; }
    public required string EmailLabel { get; init; }
    public required string EmailHint { get; init; }
    public required string NameLabel { get; init; }
    public required string MessageLabel { get; init; }
    /// <summary>{0}: what the policy says a request collects.</summary>
    public required string Collects { get; init; }
    public required string VerificationHeading { get; init; }
    public required string Send { get; init; }
    public required string ComplaintsHeading { get; init; }
    public required string FollowHeading { get; init; }
    public required string FollowText { get; init; }
    public required string FormExpired { get; init; }
    public required string SubmittedTitle { get; init; }
    /// <summary>{0}: the request number.</summary>
    public required string SubmittedText { get; init; }
    public required string StatusLinkText { get; init; }
    public required string KeepLink { get; init; }
    public required string VerifyNext { get; init; }
    /// <summary>{0}: the date.</summary>
    public required string DueBy { get; init; }
    public required string DueAfterVerification { get; init; }
    public required string DuplicateText { get; init; }
    public required string StatusTitle { get; init; }
    public required string StatusIntro { get; init; }
    public required string RequestNumber { get; init; }
    public required string AccessCode { get; init; }
    public required string Look { get; init; }
    public required string NotFound { get; init; }
    public required string KindHeading { get; init; }
    public required string StateHeading { get; init; }
    public required string ReceivedHeading { get; init; }
    public required string DueHeading { get; init; }
    public required string TimelineHeading { get; init; }
    public required string ClosedTitle { get; init; }
    public required string ClosedText { get; init; }
    public required string Verifying { get; init; }
    public required string AwaitingApproval { get; init; }
    public required string InProgress { get; init; }
    public required string Completed { get; init; }
    public required string Denied { get; init; }
    public required string Duplicate { get; init; }
    public required string EventReceived { get; init; }
    public required string EventAcknowledged { get; init; }
    public required string EventVerificationSent { get; init; }
    public required string EventVerified { get; init; }
    public required string EventVerificationFailed { get; init; }
    public required string EventDocumentReceived { get; init; }
    public required string EventApproved { get; init; }
    public required string EventDenied { get; init; }
    public required string EventExtended { get; init; }
    public required string EventMessage { get; init; }
    public required string EventStarted { get; init; }
    public required string EventCompleted { get; init; }
    public required string EventDuplicate { get; init; }
    public required string NothingPublished { get; init; }
    /// <summary>{0}: the purposes, cookie categories and channels.</summary>
    public required string ConsentWithdrawn { get; init; }
    public required string NoConsentToWithdraw { get; init; }
    /// <summary>{0}: the purposes and cookie categories.</summary>
    public required string OptedOut { get; init; }
    public required string NothingToOptOut { get; init; }
    /// <summary>{0}: the last day of the download.</summary>
    public required string PackageReady { get; init; }
    public required string ErasedAll { get; init; }
    /// <summary>{0}: what is kept, with the legal duty that keeps it.</summary>
    public required string ErasedExcept { get; init; }
    public required string Rectified { get; init; }
    /// <summary>{0}: the reasons of the legal holds on the person.</summary>
    public required string ErasureHeld { get; init; }
    public required string VerifyHeading { get; init; }
    public required string CodeLabel { get; init; }
    public required string CodeButton { get; init; }
    public required string NewCodeButton { get; init; }
    public required string DocumentLabel { get; init; }
    public required string DocumentButton { get; init; }
    public required string CodeAccepted { get; init; }
    public required string CodeSentAgain { get; init; }
    public required string DocumentReceived { get; init; }
    public required string CodeRefused { get; init; }
    public required string DocumentRefused { get; init; }
    public required string TooManyTries { get; init; }
    public required string NoEmailVerification { get; init; }
    public required string EmailInvalid { get; init; }
    public required string TooLong { get; init; }
    public required string NotSubmitted { get; init; }
    /// <summary>{0}: the number of days.</summary>
    public required string NotVerifiedInTime { get; init; }
    /// <summary>{0}: the last day.</summary>
    public required string PackageUntil { get; init; }
    public required string PackageGoneTitle { get; init; }
    public required string PackageGoneText { get; init; }

    public static RightsStrings English { get; } = new()
    {
        Title = "Your privacy rights",
        Intro = "Here you can see the rights you have over your personal information and ask us to act on them. Making a request is free.",
        LawLabel = "The law that applies to you",
        ShowRights = "Show my rights",
        RightsHeading = "Your rights: {0}",
        HowHeading = "How to exercise it",
        LimitsHeading = "Limits",
        FormHeading = "Make a request",
        KindLabel = "What would you like us to do?",
        QuestionKind = "Something else: a question about your personal information",
        EmailLabel = "Your email address",
        EmailHint = "We send our answers there, and check that the address is yours before we act.",
        NameLabel = "Your name (optional)",
        MessageLabel = "Anything we should know (optional)",
        Collects = "We ask for {0}.",
        VerificationHeading = "How we check that it is you",
        Send = "Send request",
        ComplaintsHeading = "If you are not satisfied",
        FollowHeading = "Already made a request?",
        FollowText = "Follow its progress",
        FormExpired = "The form expired. Please go back, reload the page and send it again.",
        SubmittedTitle = "We have received your request",
        SubmittedText = "Your request number is {0}.",
        StatusLinkText = "Follow your request",
        KeepLink = "Keep this link, or the request number and access code from the email we send you: you need them to see your request's progress here.",
        VerifyNext = "Before we act, we check that the request comes from you. Please look for our email.",
        DueBy = "We will answer by {0} at the latest; if we need more time, as the law allows, we will tell you why before then.",
        DueAfterVerification = "The time we have to answer starts once we have confirmed your identity.",
        DuplicateText = "You already have an open request of this kind. We have added this one to it, so you receive one answer.",
        StatusTitle = "Your request",
        StatusIntro = "Enter the request number and the access code from our email.",
        RequestNumber = "Request number",
        AccessCode = "Access code",
        Look = "Show progress",
        NotFound = "We found no request with this number and access code. Check both against our email.",
        KindHeading = "Request",
        StateHeading = "Status",
        ReceivedHeading = "Received",
        DueHeading = "Answer due by",
        TimelineHeading = "Progress",
        ClosedTitle = "This request is closed",
        ClosedText = "Its progress is no longer shown here. If you have a question about it, please contact us.",
        Verifying = "Waiting for confirmation of your identity",
        AwaitingApproval = "Being reviewed",
        InProgress = "Being handled",
        Completed = "Completed",
        Denied = "Refused",
        Duplicate = "Added to your earlier request",
        EventReceived = "Request received",
        EventAcknowledged = "Receipt confirmed",
        EventVerificationSent = "Verification code sent",
        EventVerified = "Identity confirmed",
        EventVerificationFailed = "Identity could not be confirmed",
        EventDocumentReceived = "Identity document received",
        EventApproved = "Accepted for handling",
        EventDenied = "Request refused",
        EventExtended = "Time to answer extended",
        EventMessage = "Message from us",
        EventStarted = "Handling started",
        EventCompleted = "Request completed",
        EventDuplicate = "A repeat of this request was received",
        NothingPublished = "No privacy policy has been published yet.",
        ConsentWithdrawn = "We have recorded the withdrawal of your consent to: {0}. We no longer process your personal information on the basis of that consent; the withdrawal does not affect what we did before it.",
        NoConsentToWithdraw = "We hold no consent of yours that is still in force, so there was nothing to withdraw.",
        OptedOut = "We have recorded your opt-out of the sale and sharing of your personal information for: {0}.",
        PackageReady = "A copy of your personal information held in the systems this request covers is ready. We have sent a download link to your email address; it works until {0}, after which the copy is deleted.",
        ErasedAll = "We have deleted your personal information from the systems this request covers.",
        ErasedExcept = "We have deleted your personal information from the systems this request covers, except what the law requires us to keep: {0}. We keep it only for that purpose and delete it when the obligation ends.",
        Rectified = "We have corrected your personal information as you asked.",
        ErasureHeld = "We cannot delete your personal information at present because we must keep it for this reason: {0}. We keep it only for that reason. When it no longer applies, you can ask us again and we will delete it. If you disagree, contact us as our privacy notice describes; you also have the right to complain to a data protection authority and to seek a judicial remedy.",
        VerifyHeading = "Confirm that it is you",
        CodeLabel = "The code from our email",
        CodeButton = "Confirm",
        NewCodeButton = "Send me a new code",
        DocumentLabel = "Photo or scan of the document (JPEG, PNG or WebP)",
        DocumentButton = "Send the document",
        CodeAccepted = "Thank you: your identity is confirmed and we are working on your request.",
        CodeSentAgain = "We have sent a new code to your email address. It works for 15 minutes.",
        DocumentReceived = "Thank you: we have received the document. We will check it and delete it as soon as we have decided.",
        CodeRefused = "The code was not accepted.",
        DocumentRefused = "The document was not accepted.",
        TooManyTries = "Too many tries. Please wait, or ask for a new code.",
        NoEmailVerification = "We will contact you to confirm your identity.",
        EmailInvalid = "The email address is not valid. Please check it.",
        TooLong = "A field is too long. Please shorten it.",
        NotSubmitted = "The request could not be sent. Please check what you entered.",
        NotVerifiedInTime = "We could not confirm within {0} days that the request comes from you, so we have closed it. You can make a new request at any time.",
        PackageUntil = "Your copy can be downloaded until {0} through the link in our email.",
        PackageGoneTitle = "This download is no longer available",
        PackageGoneText = "The copy of your personal information was deleted when its download period ended. You can make a new request at any time.",
        NothingToOptOut = "None of our processing of your personal information counts as sale or sharing, or you had opted out already, so there was nothing more to opt out of.",
    };

    public static RightsStrings Chinese { get; } = new()
    {
        Title = "您的个人信息权利",
        Intro = "您可以在此了解您对个人信息享有的权利，并向我们提出行使这些权利的请求。提出请求不收取费用。",
        LawLabel = "适用于您的法律",
        ShowRights = "查看我的权利",
        RightsHeading = "您的权利：{0}",
        HowHeading = "行使方式",
        LimitsHeading = "限制",
        FormHeading = "提出请求",
        KindLabel = "您希望我们做什么？",
        QuestionKind = "其他：关于您个人信息的问题",
        EmailLabel = "您的电子邮箱",
        EmailHint = "我们将答复发送至该邮箱，并在处理前核实该邮箱属于您本人。",
        NameLabel = "您的姓名（选填）",
        MessageLabel = "补充说明（选填）",
        Collects = "提出请求时，我们需要您提供{0}。",
        VerificationHeading = "我们如何核实您的身份",
        Send = "提交请求",
        ComplaintsHeading = "如您不满意",
        FollowHeading = "已提交过请求？",
        FollowText = "查询处理进度",
        FormExpired = "表单已过期。请返回并刷新页面后重新提交。",
        SubmittedTitle = "我们已收到您的请求",
        SubmittedText = "您的请求编号为 {0}。",
        StatusLinkText = "查询请求进度",
        KeepLink = "请保存此链接，或我们邮件中的请求编号和查询码：在此查询请求进度时需要使用。",
        VerifyNext = "处理前，我们需要核实请求确由您本人提出，请留意我们的邮件。",
        DueBy = "我们最迟将于 {0} 前答复；如需在法律允许的范围内延长期限，我们会在此之前告知您原因。",
        DueAfterVerification = "答复期限自我们核实您的身份之日起计算。",
        DuplicateText = "您已有一项同类请求正在处理，本次请求已并入该请求，您将收到一份答复。",
        StatusTitle = "您的请求",
        StatusIntro = "请输入我们邮件中的请求编号和查询码。",
        RequestNumber = "请求编号",
        AccessCode = "查询码",
        Look = "查询进度",
        NotFound = "未找到与该编号和查询码相符的请求，请对照我们的邮件核对。",
        KindHeading = "请求事项",
        StateHeading = "状态",
        ReceivedHeading = "收到时间",
        DueHeading = "答复期限",
        TimelineHeading = "处理进度",
        ClosedTitle = "该请求已结束",
        ClosedText = "其处理进度已不再在此显示。如有疑问，请与我们联系。",
        Verifying = "等待核实您的身份",
        AwaitingApproval = "审核中",
        InProgress = "处理中",
        Completed = "已完成",
        Denied = "已拒绝",
        Duplicate = "已并入您之前的请求",
        EventReceived = "收到请求",
        EventAcknowledged = "已确认收到",
        EventVerificationSent = "已发送验证码",
        EventVerified = "身份已核实",
        EventVerificationFailed = "未能核实身份",
        EventDocumentReceived = "已收到身份证件",
        EventApproved = "已受理",
        EventDenied = "请求被拒绝",
        EventExtended = "答复期限已延长",
        EventMessage = "我们的消息",
        EventStarted = "开始处理",
        EventCompleted = "请求已完成",
        EventDuplicate = "收到一项重复请求",
        NothingPublished = "尚未发布隐私政策。",
        ConsentWithdrawn = "我们已记录您撤回对以下事项的同意：{0}。我们不再基于该同意处理您的个人信息；撤回不影响撤回前基于同意已进行的处理。",
        NoConsentToWithdraw = "我们没有您仍然有效的同意，因此无需撤回。",
        OptedOut = "我们已记录您拒绝出售和共享您个人信息的选择，适用于：{0}。",
        PackageReady = "本请求涉及的系统中您的个人信息副本已准备就绪。我们已将下载链接发送至您的邮箱，链接有效期至 {0}，届时副本将被删除。",
        ErasedAll = "我们已在本请求涉及的系统中删除您的个人信息。",
        ErasedExcept = "我们已在本请求涉及的系统中删除您的个人信息，但法律要求我们保存的信息除外：{0}。这些信息仅用于履行该义务，义务终止后即予删除。",
        Rectified = "我们已按您的要求更正您的个人信息。",
        ErasureHeld = "我们目前无法删除您的个人信息，因为我们须出于以下原因予以保存：{0}。我们仅为此目的保存这些信息。该原因消除后，您可以再次提出请求，我们将予以删除。如您有异议，可按照我们的隐私声明与我们联系；您也有权向个人信息保护主管部门投诉，并依法向人民法院提起诉讼。",
        VerifyHeading = "确认您的身份",
        CodeLabel = "邮件中的验证码",
        CodeButton = "确认",
        NewCodeButton = "重新发送验证码",
        DocumentLabel = "证件照片或扫描件（JPEG、PNG 或 WebP 格式）",
        DocumentButton = "提交证件",
        CodeAccepted = "谢谢，您的身份已核实，我们正在处理您的请求。",
        CodeSentAgain = "我们已向您的邮箱发送新的验证码，15 分钟内有效。",
        DocumentReceived = "谢谢，我们已收到证件，将予以核对，并在作出决定后立即删除。",
        CodeRefused = "验证码不正确或已失效，请核对或重新获取。",
        DocumentRefused = "证件未被接受，请提交 JPEG、PNG 或 WebP 格式且大小适当的图片。",
        TooManyTries = "尝试次数过多，请稍后再试或重新获取验证码。",
        NoEmailVerification = "我们将与您联系以核实您的身份。",
        EmailInvalid = "电子邮箱地址无效，请检查后重新填写。",
        TooLong = "填写的内容过长，请删减后重新提交。",
        NotSubmitted = "请求未能提交，请检查您填写的内容。",
        NotVerifiedInTime = "我们未能在 {0} 天内核实该请求确由您本人提出，因此已结束该请求。您可随时重新提出请求。",
        PackageUntil = "您可在 {0} 前通过我们邮件中的链接下载副本。",
        PackageGoneTitle = "该下载已失效",
        PackageGoneText = "下载期限届满后，您的个人信息副本已被删除。您可随时重新提出请求。",
        NothingToOptOut = "我们对您个人信息的处理均不构成出售或共享，或您此前已选择拒绝，因此无需再作处理。",
    };

    public string State(RequestState state) => state switch
    {
        RequestState.Verifying => Verifying,
        RequestState.AwaitingApproval => AwaitingApproval,
        RequestState.InProgress => InProgress,
        RequestState.Completed => Completed,
        RequestState.Denied => Denied,
        _ => Duplicate,
    };

    public string Event(string type) => type switch
    {
        RequestEvents.Received => EventReceived,
        RequestEvents.Acknowledged => EventAcknowledged,
        RequestEvents.VerificationSent => EventVerificationSent,
        RequestEvents.Verified => EventVerified,
        RequestEvents.VerificationFailed => EventVerificationFailed,
        RequestEvents.DocumentReceived => EventDocumentReceived,
        RequestEvents.Approved => EventApproved,
        RequestEvents.Denied => EventDenied,
        RequestEvents.Extended => EventExtended,
        RequestEvents.Started => EventStarted,
        RequestEvents.Completed => EventCompleted,
        RequestEvents.Duplicate => EventDuplicate,
        _ => EventMessage,
    };
}
