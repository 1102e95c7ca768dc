using Steward.Web;

namespace Steward.Security;

/// <summary>The texts of the console's sign-in page.</summary>
internal sealed record SignInStrings : ILocalised<SignInStrings>
{
    public required string Title { get; init; }
    public required string Email { get; init; }
    public required string Password { get; init; }
    public required string SignIn { get; init; }
    public required string Failed { get; init; }

    public static SignInStrings English { get; } = new()
    {
        Title = "Sign in to the privacy console",
        Email = "Email address",
        Password = "Password",
        SignIn = "Sign in",
        Failed = "The email address or password is not correct.",
    };

    public static SignInStrings Chinese { get; } = new()
    {
        Title = "登录隐私管理控制台",
        Email = "电子邮件地址",
        Password = "密码",
        SignIn = "登录",
        Failed = "电子邮件地址或密码不正确。",
    };
}
