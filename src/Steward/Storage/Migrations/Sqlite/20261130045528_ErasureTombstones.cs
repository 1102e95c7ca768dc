using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Steward.Storage.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class ErasureTombstones : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "erasure_comeback_findings",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "TEXT", nullable: false),
                    SubjectId = table.Column<Guid>(type: "TEXT", nullable: false),
                    TombstoneId = table.Column<Guid>(type: "TEXT", nullable: false),
                    Type = table.Column<string>(type: "TEXT", maxLength: 16, nullable: false),
                    FoundAt = table.Column<DateTime>(type: "TEXT", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_erasure_comeback_findings", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "erasure_tombstones",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "TEXT", nullable: false),
                    SubjectId = table.Column<Guid>(type: "TEXT", nullable: false),
                    ErasedAt = table.Column<DateTime>(type: "TEXT", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_erasure_tombstones", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "erasure_tombstone_hashes",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "TEXT", nullable: false),
                    TombstoneId = table.Column<Guid>(type: "TEXT", nullable: false),
                    Type = table.Column<string>(type: "TEXT", maxLength: 16, nullable: false),
                    Version = table.Column<int>(type: "INTEGER", nullable: false),
                    Hash = table.Column<byte[]>(type: "BLOB", maxLength: 32, nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_erasure_tombstone_hashes", x => x.Id);
                    table.ForeignKey(
                        name: "FK_erasure_tombstone_hashes_erasure_tombstones_TombstoneId",
                        column: x => x.TombstoneId,
                        principalTable: "erasure_tombstones",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateIndex(
                name: "IX_erasure_comeback_findings_FoundAt",
                table: "erasure_comeback_findings",
                column: "FoundAt");

            migrationBuilder.CreateIndex(
                name: "IX_erasure_comeback_findings_SubjectId_TombstoneId",
                table: "erasure_comeback_findings",
                columns: new[] { "SubjectId", "TombstoneId" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_erasure_tombstone_hashes_TombstoneId",
                table: "erasure_tombstone_hashes",
                column: "TombstoneId");

            migrationBuilder.CreateIndex(
                name: "IX_erasure_tombstone_hashes_Type_Hash",
                table: "erasure_tombstone_hashes",
                columns: new[] { "Type", "Hash" });

            migrationBuilder.CreateIndex(
                name: "IX_erasure_tombstone_hashes_Version",
                table: "erasure_tombstone_hashes",
                column: "Version");

            migrationBuilder.CreateIndex(
                name: "IX_erasure_tombstones_SubjectId",
                table: "erasure_tombstones",
                column: "SubjectId");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "erasure_comeback_findings");

            migrationBuilder.DropTable(
                name: "erasure_tombstone_hashes");

            migrationBuilder.DropTable(
                name: "erasure_tombstones");
        }
    }
}
