CREATE TABLE `connections` (
	`id` text PRIMARY KEY NOT NULL,
	`user_id` text NOT NULL,
	`organization_id` text,
	`name` text NOT NULL,
	`provider` text NOT NULL,
	`connection_method` text NOT NULL,
	`status` text DEFAULT 'active' NOT NULL,
	`status_reason` text,
	`data_encrypted` text NOT NULL,
	`tokens_encrypted` text,
	`encryption_key_id` text NOT NULL,
	`base_url` text,
	`default_headers` text,
	`timeout_ms` integer DEFAULT 30000 NOT NULL,
	`retries` integer DEFAULT 2 NOT NULL,
	`backoff_ms` integer DEFAULT 500 NOT NULL,
	`verify_request` text,
	`mcp_server_url` text,
	`mcp_tools` text,
	`capabilities` text,
	`paragon_user_id` text,
	`paragon_integration` text,
	`paragon_credential_id` text,
	`paragon_metadata` text,
	`metadata` text,
	`last_used_at` integer,
	`last_tested_at` integer,
	`last_test_success` integer,
	`token_expires_at` integer,
	`last_refresh_at` integer,
	`last_refresh_error` text,
	`refresh_attempts` integer DEFAULT 0 NOT NULL,
	`refresh_exhausted` integer DEFAULT false NOT NULL,
	`created_at` integer DEFAULT (cast(unixepoch('subsecond') * 1000 as integer)) NOT NULL,
	`updated_at` integer DEFAULT (cast(unixepoch('subsecond') * 1000 as integer)) NOT NULL,
	`deleted_at` integer,
	FOREIGN KEY (`user_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`organization_id`) REFERENCES `organizations`(`id`) ON UPDATE no action ON DELETE set null,
	CONSTRAINT "connections_method_check" CHECK("connections"."connection_method" in ('api_key', 'bearer', 'basic', 'oauth2', 'oauth2_client_credentials', 'mcp', 'paragon')),
	CONSTRAINT "connections_status_check" CHECK("connections"."status" in ('active', 'invalid', 'expired', 'revoked', 'disconnected'))
);
--> statement-breakpoint
CREATE UNIQUE INDEX `connections_user_name_live_unique` ON `connections` (`user_id`,`name`) WHERE "connections"."deleted_at" is null;--> statement-breakpoint
CREATE INDEX `connections_user_created_idx` ON `connections` (`user_id`,`created_at`);--> statement-breakpoint
CREATE INDEX `connections_user_provider_idx` ON `connections` (`user_id`,`provider`);--> statement-breakpoint
CREATE INDEX `connections_user_method_idx` ON `connections` (`user_id`,`connection_method`);--> statement-breakpoint
CREATE INDEX `connections_user_status_idx` ON `connections` (`user_id`,`status`);--> statement-breakpoint
CREATE INDEX `connections_key_idx` ON `connections` (`encryption_key_id`);--> statement-breakpoint
CREATE TABLE `reencryption_runs` (
	`id` text PRIMARY KEY NOT NULL,
	`target_key_id` text NOT NULL,
	`status` text NOT NULL,
	`started_by` text NOT NULL,
	`processed` integer DEFAULT 0 NOT NULL,
	`failed` integer DEFAULT 0 NOT NULL,
	`last_error` text,
	`started_at` integer NOT NULL,
	`updated_at` integer NOT NULL,
	`finished_at` integer
);
