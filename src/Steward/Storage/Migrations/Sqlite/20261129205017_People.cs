using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Steward.Storage.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class People : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "data_subjects",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "TEXT", nullable: false),
                    CreatedAt = table.Column<DateTimeOffset>(type: "TEXT", nullable: false),
                    Jurisdiction = table.Column<string>(type: "TEXT", maxLength: 32, nullable: true),
                    WrappedDataKey = table.Column<byte[]>(type: "BLOB", maxLength: 60, nullable: true),
                    WrappingKeyVersion = table.Column<int>(type: "INTEGER", nullable: false),
                    ErasedAt = table.Column<DateTimeOffset>(type: "TEXT", nullable: true),
                    MergedIntoId = table.Column<Guid>(type: "TEXT", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_data_subjects", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "subject_identities",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "TEXT", nullable: false),
                    SubjectId = table.Column<Guid>(type: "TEXT", nullable: false),
                    Type = table.Column<string>(type: "TEXT", maxLength: 16, nullable: false),
                    BlindIndex = table.Column<byte[]>(type: "BLOB", maxLength: 32, nullable: false),
                    BlindIndexVersion = table.Column<int>(type: "INTEGER", nullable: false),
                    Ciphertext = table.Column<byte[]>(type: "BLOB", nullable: false),
                    CreatedAt = table.Column<DateTimeOffset>(type: "TEXT", nullable: false),
                    LastSeenAt = table.Column<DateTimeOffset>(type: "TEXT", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_subject_identities", x => x.Id);
                    table.ForeignKey(
                        name: "FK_subject_identities_data_subjects_SubjectId",
                        column: x => x.SubjectId,
                        principalTable: "data_subjects",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateIndex(
                name: "IX_subject_identities_SubjectId",
                table: "subject_identities",
                column: "SubjectId");

            migrationBuilder.CreateIndex(
                name: "IX_subject_identities_Type_BlindIndex",
                table: "subject_identities",
                columns: new[] { "Type", "BlindIndex" },
                unique: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "subject_identities");

            migrationBuilder.DropTable(
                name: "data_subjects");
        }
    }
}
