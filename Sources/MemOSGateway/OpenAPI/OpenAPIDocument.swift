/// The OpenAPI 3.1 description of the gateway's HTTP API, served at `GET /openapi.yaml`. A test
/// keeps its operations equal to the router's routes, so it cannot drift from what is served.
enum OpenAPIDocument {
    static let yaml = #"""
openapi: 3.1.0
info:
  title: MemOS Gateway
  version: 0.5.0
  summary: A multi-tenant, governed memory gateway for LLM agents.
  description: |
    Assistants store and recall memories over a JSON API. Every memory is owned by a tenant,
    scoped to a role's subspace, labelled, sealed on disk under its data subject's key, audited,
    watermarked when read, and erasable with a signed receipt.

    - **The tenant comes from the credential only.** Every request authenticates with
      `Authorization: Bearer <credential>`: an API key (`mgk_...`) or a session token (`mgt_...`)
      from `POST /v1/auth/token`. The credential decides the tenant and the user; a body naming
      `tenant`, `tenant_id`, `user_id` or `owner` is refused with 400 (`owner-field`), except
      where an endpoint documents such a field as naming someone else (the MemOS facade's
      `user_id`, which must match the credential; the tenant removed from a MemStore offering).
    - **Deny by default.** Every endpoint except `GET /healthz`, `GET /readyz`,
      `GET /openapi.yaml` and `POST /v1/auth/token` answers 401 without a valid credential.
      A tenant user acts as one role per request: the `X-MemOS-Role` header, or the user's
      default role. The role's permissions, subspace grants and clearance decide what the
      request may do. Platform operators manage tenants and never reach tenant memory (403).
    - **Not found rather than forbidden.** Another tenant's resource, a memory above the acting
      role's clearance, or a cube the role cannot read answers 404 exactly like a missing one,
      so probing learns nothing. A malformed id in a path is also a 404.
    - **Labels and watermarks.** Memories carry a label (`public < internal < confidential <
      restricted` by default); no read up. PII is redacted or hidden per role. Returned text
      labelled internal or above carries an invisible watermark naming the recipient.
    - **Strict JSON.** Bodies are `application/json` (RFC 8259 exactly); an unknown field is an
      error naming it. JSON bodies are limited to 8 MiB by default, cube imports to 256 MiB,
      artifact content to 512 MiB (413 above).
    - **Errors** are RFC 9457 problem details (`application/problem+json`) whose `type` is
      `urn:memos:problem:<slug>`, with a precise `detail` and the `request_id` extension
      member. Every response carries `X-Request-ID`.
    - **Audit is fail-closed.** An operation whose audit record cannot be written answers 503 and
      changes nothing.
servers:
  - url: http://127.0.0.1:8080
    description: A gateway started by scripts/run-gateway.sh.
security:
  - bearer: []
tags:
  - name: health
    description: Liveness and readiness, and this document.
  - name: identity
    description: Who a credential is, session tokens, and a user's own API keys.
  - name: memories
    description: The memory API. Every call acts as one role of one tenant user.
  - name: cubes
    description: Memory cubes, portable encrypted cube archives, and cube shares inside a tenant.
  - name: subjects
    description: Data-subject rights (GDPR Art. 15, 17, 20), for roles holding subjects.export or subjects.erase.
  - name: scheduler
    description: The MemScheduler's task queue, working memory and session turns.
  - name: activation
    description: Activation memory, the persona's hottest memories as a stable prompt prefix.
  - name: artifacts
    description: Parametric memory (adapters) and KV-cache snapshots, encrypted, labelled and versioned.
  - name: memstore
    description: Publishing cubes or memory selections to other tenants, and read-only subscriptions.
  - name: chat
    description: Chat with memory through the configured model.
  - name: product
    description: >-
      The MemOS server API shapes (`/product/*`) under this gateway's authentication. Successful
      answers use MemOS's `{code, message, data}` envelope; errors are problem documents with the
      real status, as everywhere else.
  - name: admin
    description: Tenants, users, roles, API keys and the policy (operators and tenant administrators).
  - name: operations
    description: Gateway status, metrics, the audit trail, leak tracing and master key rotation.
paths:
  /healthz:
    get:
      operationId: getHealth
      summary: Liveness
      description: The process is up. Never checks dependencies.
      tags: [health]
      security: []
      responses:
        '200':
          description: The process is up.
          content:
            application/json:
              schema: {$ref: '#/components/schemas/HealthStatus'}
              example: {status: ok}
  /readyz:
    get:
      operationId: getReadiness
      summary: Readiness
      description: The gateway can serve (policy loaded, store reachable), with the active policy hash.
      tags: [health]
      security: []
      responses:
        '200':
          description: Ready.
          content:
            application/json:
              schema: {$ref: '#/components/schemas/HealthStatus'}
              example: {status: ready, policy_hash: 9f2c0d4e5b7a}
        '503': {$ref: '#/components/responses/ServiceUnavailable'}
  /openapi.yaml:
    get:
      operationId: getOpenAPIDocument
      summary: This OpenAPI description
      tags: [health]
      security: []
      responses:
        '200':
          description: The OpenAPI 3.1 description of the gateway's HTTP API.
          content:
            application/yaml:
              schema: {type: string}
  /metrics:
    get:
      operationId: getMetrics
      summary: Prometheus metrics
      description: >-
        Platform-wide metrics in the Prometheus text exposition format 0.0.4: HTTP requests and
        latencies by method and route pattern (never a concrete path), scheduler tasks and
        sessions, readiness, build info, tenant count, process memory and descriptors. No tenant,
        user, subject or memory appears in a label. Requires a platform operator's credential.
      tags: [operations]
      responses:
        '200':
          description: The metrics.
          content:
            text/plain; version=0.0.4:
              schema: {type: string}
              example: |
                # HELP memos_ready 1 when the store answers and the gateway can serve.
                # TYPE memos_ready gauge
                memos_ready 1
        '401': {$ref: '#/components/responses/Unauthorized'}
        '403': {$ref: '#/components/responses/Forbidden'}
  /v1/auth/token:
    post:
      operationId: createSessionToken
      summary: Exchange a password for a session token
      description: >-
        The one body that names a tenant: before login there is no credential to take it from,
        and the password proves membership. Returns a short-lived `mgt_` bearer token. A wrong
        tenant, username or password, a user without a password, and an inactive account all
        answer the same 401. Successes and failures are audited (tenant and username as keyed
        hashes only).
      tags: [identity]
      security: []
      requestBody:
        required: true
        content:
          application/json:
            schema: {$ref: '#/components/schemas/TokenRequest'}
      responses:
        '200':
          description: The session token.
          content:
            application/json:
              schema: {$ref: '#/components/schemas/SessionToken'}
        '400': {$ref: '#/components/responses/BadRequest'}
        '401': {$ref: '#/components/responses/Unauthorized'}
        '413': {$ref: '#/components/responses/PayloadTooLarge'}
        '415': {$ref: '#/components/responses/UnsupportedMediaType'}
        '503': {$ref: '#/components/responses/ServiceUnavailable'}
  /v1/me:
    get:
      operationId: getMe
      summary: Who the credential is
      description: >-
        For a tenant user: tenant, user, the role this request acts as (`X-MemOS-Role` or the
        default role), every role held, and the acting role's clearance. For an operator: the
        operator's id and name.
      tags: [identity]
      parameters:
        - $ref: '#/components/parameters/Role'
      responses:
        '200':
          description: The identity.
          content:
            application/json:
              schema: {$ref: '#/components/schemas/Me'}
        '401': {$ref: '#/components/responses/Unauthorized'}
        '403': {$ref: '#/components/responses/Forbidden'}
  /v1/keys:
    post:
      operationId: createOwnAPIKey
      summary: Create an API key for yourself
      description: The secret (`api_key`) is returned once and never again. Tenant users only.
      tags: [identity]
      parameters:
        - $ref: '#/components/parameters/Role'
      requestBody:
        required: true
        content:
          application/json:
            schema: {$ref: '#/components/schemas/CreateKeyRequest'}
      responses:
        '201':
          description: The new key and its secret.
          content:
            application/json:
              schema: {$ref: '#/components/schemas/CreatedAPIKey'}
        '400': {$ref: '#/components/responses/BadRequest'}
        '401': {$ref: '#/components/responses/Unauthorized'}
        '403': {$ref: '#/components/responses/Forbidden'}
        '413': {$ref: '#/components/responses/PayloadTooLarge'}
        '415': {$ref: '#/components/responses/UnsupportedMediaType'}
        '503': {$ref: '#/components/responses/ServiceUnavailable'}
    get:
      operationId: listOwnAPIKeys
      summary: List your own API keys
      description: Never their secrets. Tenant users only.
      tags: [identity]
      parameters:
        - $ref: '#/components/parameters/Role'
      responses:
        '200':
          description: Your keys, revoked and expired ones included.
          content:
            application/json:
              schema:
                type: object
                required: [keys]
                properties:
                  keys:
                    type: array
                    items: {$ref: '#/components/schemas/APIKey'}
        '401': {$ref: '#/components/responses/Unauthorized'}
        '403': {$ref: '#/components/responses/Forbidden'}
        '503': {$ref: '#/components/responses/ServiceUnavailable'}
  /v1/keys/{id}:
    parameters:
      - $ref: '#/components/parameters/KeyId'
    delete:
      operationId: revokeAPIKey
      summary: Revoke an API key
      description: >-
        A tenant user revokes its own keys, or any key of its tenant with `keys.manage`; an
        operator revokes any key. A key of another tenant answers 404.
      tags: [identity]
      parameters:
        - $ref: '#/components/parameters/Role'
      responses:
        '204':
          description: Revoked.
        '401': {$ref: '#/components/responses/Unauthorized'}
        '403': {$ref: '#/components/responses/Forbidden'}
        '404': {$ref: '#/components/responses/NotFound'}
        '503': {$ref: '#/components/responses/ServiceUnavailable'}
  /v1/memories:
    post:
      operationId: addMemories
      summary: Add memories
      description: >-
        Exactly one of `text` (one memory), `memories` (a batch of up to 1,000, atomic),
        `messages` (a conversation read by the MemReader: `mode` `fast` windows or `fine`
        model-extracted facts, `async: true` stores fast now and refines in the background) or
        `document` (chunked into DocumentChunk memories). The memories go to `cube` (id or name)
        or the acting persona's default cube. Near-duplicates merge into the new memory; a new
        value for an existing `key` supersedes the old. The label is the highest of the one
        asked for (default internal, never above the writer's clearance), the labels of what it
        derives from and the minimum its PII implies. `subject` names another data subject
        (needs `subjects.name`).
      tags: [memories]
      parameters:
        - $ref: '#/components/parameters/Role'
      requestBody:
        required: true
        content:
          application/json:
            schema: {$ref: '#/components/schemas/AddMemoriesRequest'}
            examples:
              text:
                value: {text: Alice prefers green tea in the morning, tags: [drinks]}
              messages:
                value:
                  messages:
                    - {role: user, speaker: Alice, content: I adopted a cat named Miso, chat_time: '2024-05-08T13:56:00Z', message_id: m1}
      responses:
        '201':
          description: >-
            The stored memories as the caller reads them (redacted where its role requires);
            `refinement` when `async` queued a background refinement.
          content:
            application/json:
              schema: {$ref: '#/components/schemas/MemoryPage'}
        '400': {$ref: '#/components/responses/BadRequest'}
        '401': {$ref: '#/components/responses/Unauthorized'}
        '403': {$ref: '#/components/responses/Forbidden'}
        '404': {$ref: '#/components/responses/NotFound'}
        '409': {$ref: '#/components/responses/Conflict'}
        '413': {$ref: '#/components/responses/PayloadTooLarge'}
        '415': {$ref: '#/components/responses/UnsupportedMediaType'}
        '502': {$ref: '#/components/responses/BadGateway'}
        '503': {$ref: '#/components/responses/ServiceUnavailable'}
    get:
      operationId: listMemories
      summary: List memories
      description: >-
        Memories the acting role may read, in one cube or all of them, with cursor pagination.
        Memories above the role's clearance are absent.
      tags: [memories]
      parameters:
        - $ref: '#/components/parameters/Role'
        - name: cube
          in: query
          description: A cube id or name; absent lists every cube the role may read.
          schema: {type: string}
        - $ref: '#/components/parameters/Limit'
        - $ref: '#/components/parameters/Cursor'
      responses:
        '200':
          description: One page of memories.
          content:
            application/json:
              schema: {$ref: '#/components/schemas/MemoryPage'}
        '400': {$ref: '#/components/responses/BadRequest'}
        '401': {$ref: '#/components/responses/Unauthorized'}
        '403': {$ref: '#/components/responses/Forbidden'}
        '404': {$ref: '#/components/responses/NotFound'}
        '500': {$ref: '#/components/responses/IntegrityError'}
        '503': {$ref: '#/components/responses/ServiceUnavailable'}
  /v1/memories/search:
    post:
      operationId: searchMemories
      summary: Search memories
      description: >-
        Hybrid retrieval (BM25, vectors, graph expansion, optional reranker) over the cubes the
        acting role may read, or those named in `cubes`. With `session_id` the MemScheduler
        observes the conversation and may answer from the session's preloaded memories
        (`preload_hit`). Results above the role's clearance never appear; text is redacted and
        watermarked for the caller.
      tags: [memories]
      parameters:
        - $ref: '#/components/parameters/Role'
      requestBody:
        required: true
        content:
          application/json:
            schema: {$ref: '#/components/schemas/SearchRequest'}
            example: {query: what does alice drink, top_k: 5}
      responses:
        '200':
          description: Results, best first.
          content:
            application/json:
              schema: {$ref: '#/components/schemas/SearchResponse'}
        '400': {$ref: '#/components/responses/BadRequest'}
        '401': {$ref: '#/components/responses/Unauthorized'}
        '403': {$ref: '#/components/responses/Forbidden'}
        '404': {$ref: '#/components/responses/NotFound'}
        '413': {$ref: '#/components/responses/PayloadTooLarge'}
        '415': {$ref: '#/components/responses/UnsupportedMediaType'}
        '500': {$ref: '#/components/responses/IntegrityError'}
        '502': {$ref: '#/components/responses/BadGateway'}
        '503': {$ref: '#/components/responses/ServiceUnavailable'}
  /v1/memories/{id}:
    parameters:
      - $ref: '#/components/parameters/MemoryId'
    get:
      operationId: getMemory
      summary: Read a memory
      tags: [memories]
      parameters:
        - $ref: '#/components/parameters/Role'
      responses:
        '200':
          description: The memory, redacted and watermarked for the caller.
          content:
            application/json:
              schema: {$ref: '#/components/schemas/MemoryEnvelope'}
        '401': {$ref: '#/components/responses/Unauthorized'}
        '403': {$ref: '#/components/responses/Forbidden'}
        '404': {$ref: '#/components/responses/NotFound'}
        '500': {$ref: '#/components/responses/IntegrityError'}
        '503': {$ref: '#/components/responses/ServiceUnavailable'}
    patch:
      operationId: updateMemory
      summary: Update a memory (new version)
      description: >-
        Absent fields stay; `null` clears `key`, `background` or `confidence`. Every change is
        a new version. Relabelling takes `label`; lowering a label also needs `justification`
        and the `labels.lower` permission, both audited.
      tags: [memories]
      parameters:
        - $ref: '#/components/parameters/Role'
      requestBody:
        required: true
        content:
          application/json:
            schema: {$ref: '#/components/schemas/PatchMemoryRequest'}
      responses:
        '200':
          description: The memory as updated.
          content:
            application/json:
              schema: {$ref: '#/components/schemas/MemoryEnvelope'}
        '400': {$ref: '#/components/responses/BadRequest'}
        '401': {$ref: '#/components/responses/Unauthorized'}
        '403': {$ref: '#/components/responses/Forbidden'}
        '404': {$ref: '#/components/responses/NotFound'}
        '409': {$ref: '#/components/responses/Conflict'}
        '413': {$ref: '#/components/responses/PayloadTooLarge'}
        '415': {$ref: '#/components/responses/UnsupportedMediaType'}
        '503': {$ref: '#/components/responses/ServiceUnavailable'}
    delete:
      operationId: deleteMemory
      summary: Delete a memory
      description: Real deletion of the row, its versions, edges, usage and index entries.
      tags: [memories]
      parameters:
        - $ref: '#/components/parameters/Role'
      responses:
        '204':
          description: Deleted.
        '401': {$ref: '#/components/responses/Unauthorized'}
        '403': {$ref: '#/components/responses/Forbidden'}
        '404': {$ref: '#/components/responses/NotFound'}
        '503': {$ref: '#/components/responses/ServiceUnavailable'}
  /v1/memories/{id}/history:
    parameters:
      - $ref: '#/components/parameters/MemoryId'
    get:
      operationId: getMemoryHistory
      summary: A memory's versions
      description: Every version the acting role may read, oldest first.
      tags: [memories]
      parameters:
        - $ref: '#/components/parameters/Role'
      responses:
        '200':
          description: The versions.
          content:
            application/json:
              schema: {$ref: '#/components/schemas/MemoryHistory'}
        '401': {$ref: '#/components/responses/Unauthorized'}
        '403': {$ref: '#/components/responses/Forbidden'}
        '404': {$ref: '#/components/responses/NotFound'}
        '500': {$ref: '#/components/responses/IntegrityError'}
        '503': {$ref: '#/components/responses/ServiceUnavailable'}
  /v1/memories/{id}/rollback:
    parameters:
      - $ref: '#/components/parameters/MemoryId'
    post:
      operationId: rollbackMemory
      summary: Roll a memory back to a version
      description: The content of `version` becomes a new version.
      tags: [memories]
      parameters:
        - $ref: '#/components/parameters/Role'
      requestBody:
        required: true
        content:
          application/json:
            schema: {$ref: '#/components/schemas/RollbackRequest'}
      responses:
        '200':
          description: The memory after the rollback.
          content:
            application/json:
              schema: {$ref: '#/components/schemas/MemoryEnvelope'}
        '400': {$ref: '#/components/responses/BadRequest'}
        '401': {$ref: '#/components/responses/Unauthorized'}
        '403': {$ref: '#/components/responses/Forbidden'}
        '404': {$ref: '#/components/responses/NotFound'}
        '409': {$ref: '#/components/responses/Conflict'}
        '413': {$ref: '#/components/responses/PayloadTooLarge'}
        '415': {$ref: '#/components/responses/UnsupportedMediaType'}
        '503': {$ref: '#/components/responses/ServiceUnavailable'}
  /v1/memories/{id}/transition:
    parameters:
      - $ref: '#/components/parameters/MemoryId'
    post:
      operationId: transitionMemory
      summary: Move a memory through its lifecycle
      description: >-
        Lifecycle generated → activated → merged/archived → frozen. An illegal move answers 409
        whose detail lists the legal ones.
      tags: [memories]
      parameters:
        - $ref: '#/components/parameters/Role'
      requestBody:
        required: true
        content:
          application/json:
            schema: {$ref: '#/components/schemas/TransitionRequest'}
      responses:
        '200':
          description: The memory in its new state.
          content:
            application/json:
              schema: {$ref: '#/components/schemas/MemoryEnvelope'}
        '400': {$ref: '#/components/responses/BadRequest'}
        '401': {$ref: '#/components/responses/Unauthorized'}
        '403': {$ref: '#/components/responses/Forbidden'}
        '404': {$ref: '#/components/responses/NotFound'}
        '409': {$ref: '#/components/responses/Conflict'}
        '413': {$ref: '#/components/responses/PayloadTooLarge'}
        '415': {$ref: '#/components/responses/UnsupportedMediaType'}
        '503': {$ref: '#/components/responses/ServiceUnavailable'}
  /v1/memories/{id}/usage:
    parameters:
      - $ref: '#/components/parameters/MemoryId'
    get:
      operationId: getMemoryUsage
      summary: A memory's retrieval counts
      description: How often the memory was retrieved, per user and role.
      tags: [memories]
      parameters:
        - $ref: '#/components/parameters/Role'
      responses:
        '200':
          description: The usage.
          content:
            application/json:
              schema: {$ref: '#/components/schemas/MemoryUsage'}
        '401': {$ref: '#/components/responses/Unauthorized'}
        '403': {$ref: '#/components/responses/Forbidden'}
        '404': {$ref: '#/components/responses/NotFound'}
        '503': {$ref: '#/components/responses/ServiceUnavailable'}
  /v1/memories/{id}/related:
    parameters:
      - $ref: '#/components/parameters/MemoryId'
    get:
      operationId: listRelatedMemories
      summary: A memory's graph neighbours
      description: Edges in both directions, filtered to the memories the acting role may read.
      tags: [memories]
      parameters:
        - $ref: '#/components/parameters/Role'
      responses:
        '200':
          description: The related memories.
          content:
            application/json:
              schema: {$ref: '#/components/schemas/RelatedMemories'}
        '401': {$ref: '#/components/responses/Unauthorized'}
        '403': {$ref: '#/components/responses/Forbidden'}
        '404': {$ref: '#/components/responses/NotFound'}
        '500': {$ref: '#/components/responses/IntegrityError'}
        '503': {$ref: '#/components/responses/ServiceUnavailable'}
    post:
      operationId: linkMemories
      summary: Link a memory to another
      tags: [memories]
      parameters:
        - $ref: '#/components/parameters/Role'
      requestBody:
        required: true
        content:
          application/json:
            schema: {$ref: '#/components/schemas/LinkRequest'}
      responses:
        '201':
          description: The new edge, as one related entry.
          content:
            application/json:
              schema: {$ref: '#/components/schemas/RelatedMemories'}
        '400': {$ref: '#/components/responses/BadRequest'}
        '401': {$ref: '#/components/responses/Unauthorized'}
        '403': {$ref: '#/components/responses/Forbidden'}
        '404': {$ref: '#/components/responses/NotFound'}
        '409': {$ref: '#/components/responses/Conflict'}
        '413': {$ref: '#/components/responses/PayloadTooLarge'}
        '415': {$ref: '#/components/responses/UnsupportedMediaType'}
        '503': {$ref: '#/components/responses/ServiceUnavailable'}
  /v1/tasks/{id}:
    parameters:
      - $ref: '#/components/parameters/TaskId'
    get:
      operationId: getRefinementTask
      summary: A background refinement's status
      description: The task an `async` add returned in `refinement`.
      tags: [memories]
      parameters:
        - $ref: '#/components/parameters/Role'
      responses:
        '200':
          description: The task.
          content:
            application/json:
              schema:
                type: object
                required: [task]
                properties:
                  task: {$ref: '#/components/schemas/RefinementTask'}
        '401': {$ref: '#/components/responses/Unauthorized'}
        '403': {$ref: '#/components/responses/Forbidden'}
        '404': {$ref: '#/components/responses/NotFound'}
        '503': {$ref: '#/components/responses/ServiceUnavailable'}
  /v1/cubes:
    post:
      operationId: createCube
      summary: Create a cube
      description: >-
        In the `persona` subspace (default), `team/<name>` or `tenant`; needs `manage` on the
        subspace. A name already used in the subspace answers 409.
      tags: [cubes]
      parameters:
        - $ref: '#/components/parameters/Role'
      requestBody:
        required: true
        content:
          application/json:
            schema: {$ref: '#/components/schemas/CreateCubeRequest'}
      responses:
        '201':
          description: The new cube.
          content:
            application/json:
              schema: {$ref: '#/components/schemas/CubeEnvelope'}
        '400': {$ref: '#/components/responses/BadRequest'}
        '401': {$ref: '#/components/responses/Unauthorized'}
        '403': {$ref: '#/components/responses/Forbidden'}
        '409': {$ref: '#/components/responses/Conflict'}
        '413': {$ref: '#/components/responses/PayloadTooLarge'}
        '415': {$ref: '#/components/responses/UnsupportedMediaType'}
        '503': {$ref: '#/components/responses/ServiceUnavailable'}
    get:
      operationId: listCubes
      summary: List cubes
      description: >-
        The cubes the acting role may read, including cubes shared with the caller
        (`shared: true`).
      tags: [cubes]
      parameters:
        - $ref: '#/components/parameters/Role'
      responses:
        '200':
          description: The cubes.
          content:
            application/json:
              schema:
                type: object
                required: [cubes]
                properties:
                  cubes:
                    type: array
                    items: {$ref: '#/components/schemas/Cube'}
        '401': {$ref: '#/components/responses/Unauthorized'}
        '403': {$ref: '#/components/responses/Forbidden'}
        '503': {$ref: '#/components/responses/ServiceUnavailable'}
  /v1/cubes/import:
    post:
      operationId: importCube
      summary: Import a MemCube archive
      description: >-
        Restores a `memos-cube-archive/1` archive as a new cube in the caller's tenant (nothing
        in the archive names a tenant that is used). Needs `cubes.import` and `manage` on the
        target subspace. Labels are never lowered; subjects, provenance, history and edges are
        kept; every memory is re-sealed under this gateway's keys; one transaction. A wrong
        passphrase (field `passphrase`), an altered archive (field `archive`) or an unknown
        format answers 400; a memory above the importer's clearance, or about other subjects
        without `subjects.name`, 403; a name already used, 409. This body has its own limit,
        256 MiB by default.
      tags: [cubes]
      parameters:
        - $ref: '#/components/parameters/Role'
      requestBody:
        required: true
        content:
          application/json:
            schema: {$ref: '#/components/schemas/ImportCubeRequest'}
      responses:
        '201':
          description: The new cube and what was imported.
          content:
            application/json:
              schema: {$ref: '#/components/schemas/CubeImportResult'}
        '400': {$ref: '#/components/responses/BadRequest'}
        '401': {$ref: '#/components/responses/Unauthorized'}
        '403': {$ref: '#/components/responses/Forbidden'}
        '409': {$ref: '#/components/responses/Conflict'}
        '413': {$ref: '#/components/responses/PayloadTooLarge'}
        '415': {$ref: '#/components/responses/UnsupportedMediaType'}
        '503': {$ref: '#/components/responses/ServiceUnavailable'}
  /v1/cubes/{id}/export:
    parameters:
      - $ref: '#/components/parameters/CubeRef'
    post:
      operationId: exportCube
      summary: Export a cube as an encrypted archive
      description: >-
        Answers the archive file itself (Argon2id + AES-256-GCM, authenticated manifest). Needs
        `cubes.export` and read access to the cube; a cube the caller cannot read answers 404.
        Exactly what the exporter could read leaves, as it would read it: memories above its
        clearance are withheld (counted in `manifest.withheld`), PII it may not see is redacted.
        No watermark is embedded; the export is audited with every memory id.
      tags: [cubes]
      parameters:
        - $ref: '#/components/parameters/Role'
      requestBody:
        required: true
        content:
          application/json:
            schema: {$ref: '#/components/schemas/ExportCubeRequest'}
      responses:
        '200':
          description: The archive, as a download.
          headers:
            Content-Disposition:
              description: attachment; filename="<cube>-<date>.memcube.json"
              schema: {type: string}
            Cache-Control:
              description: no-store
              schema: {type: string}
          content:
            application/json:
              schema: {$ref: '#/components/schemas/CubeArchive'}
        '400': {$ref: '#/components/responses/BadRequest'}
        '401': {$ref: '#/components/responses/Unauthorized'}
        '403': {$ref: '#/components/responses/Forbidden'}
        '404': {$ref: '#/components/responses/NotFound'}
        '413': {$ref: '#/components/responses/PayloadTooLarge'}
        '415': {$ref: '#/components/responses/UnsupportedMediaType'}
        '500': {$ref: '#/components/responses/IntegrityError'}
        '503': {$ref: '#/components/responses/ServiceUnavailable'}
  /v1/cubes/{id}/shares:
    parameters:
      - $ref: '#/components/parameters/CubeRef'
    post:
      operationId: shareCube
      summary: Share a cube inside the tenant
      description: >-
        With a user (in every role it acts as), a role (every user acting as it), or a user in
        one role. Grants `read` or `read` + `write`, never `manage`. Only a role with `manage` on
        the cube's subspace (by policy, not by a share) may share. Clearance still filters every
        memory a grantee reads.
      tags: [cubes]
      parameters:
        - $ref: '#/components/parameters/Role'
      requestBody:
        required: true
        content:
          application/json:
            schema: {$ref: '#/components/schemas/ShareCubeRequest'}
      responses:
        '201':
          description: The share.
          content:
            application/json:
              schema:
                type: object
                required: [share]
                properties:
                  share: {$ref: '#/components/schemas/CubeShare'}
        '400': {$ref: '#/components/responses/BadRequest'}
        '401': {$ref: '#/components/responses/Unauthorized'}
        '403': {$ref: '#/components/responses/Forbidden'}
        '404': {$ref: '#/components/responses/NotFound'}
        '409': {$ref: '#/components/responses/Conflict'}
        '413': {$ref: '#/components/responses/PayloadTooLarge'}
        '415': {$ref: '#/components/responses/UnsupportedMediaType'}
        '503': {$ref: '#/components/responses/ServiceUnavailable'}
    get:
      operationId: listCubeShares
      summary: List a cube's shares
      description: Only a role with `manage` on the cube's subspace.
      tags: [cubes]
      parameters:
        - $ref: '#/components/parameters/Role'
      responses:
        '200':
          description: The shares.
          content:
            application/json:
              schema:
                type: object
                required: [shares]
                properties:
                  shares:
                    type: array
                    items: {$ref: '#/components/schemas/CubeShare'}
        '401': {$ref: '#/components/responses/Unauthorized'}
        '403': {$ref: '#/components/responses/Forbidden'}
        '404': {$ref: '#/components/responses/NotFound'}
        '503': {$ref: '#/components/responses/ServiceUnavailable'}
  /v1/cubes/{id}/shares/{share}:
    parameters:
      - $ref: '#/components/parameters/CubeRef'
      - name: share
        in: path
        required: true
        description: The share's id.
        schema: {type: string, format: uuid}
    delete:
      operationId: unshareCube
      summary: Revoke a cube share
      description: Takes effect on the grantees' next request.
      tags: [cubes]
      parameters:
        - $ref: '#/components/parameters/Role'
      responses:
        '204':
          description: Revoked.
        '401': {$ref: '#/components/responses/Unauthorized'}
        '403': {$ref: '#/components/responses/Forbidden'}
        '404': {$ref: '#/components/responses/NotFound'}
        '503': {$ref: '#/components/responses/ServiceUnavailable'}
  /v1/subjects/{subject}/export:
    parameters:
      - $ref: '#/components/parameters/Subject'
    get:
      operationId: exportSubject
      summary: Export everything held about a data subject
      description: >-
        GDPR Art. 15/20, for roles with `subjects.export` (by default the DPO): the subject's
        memories with versions, edges and usage, and under `derived` the artifacts made from
        them (described, never their bytes). Items above the exporter's clearance are only
        counted in `withheld`.
      tags: [subjects]
      parameters:
        - $ref: '#/components/parameters/Role'
      responses:
        '200':
          description: The export.
          content:
            application/json:
              schema: {$ref: '#/components/schemas/SubjectExport'}
        '400': {$ref: '#/components/responses/BadRequest'}
        '401': {$ref: '#/components/responses/Unauthorized'}
        '403': {$ref: '#/components/responses/Forbidden'}
        '500': {$ref: '#/components/responses/IntegrityError'}
        '503': {$ref: '#/components/responses/ServiceUnavailable'}
  /v1/subjects/{subject}/erase:
    parameters:
      - $ref: '#/components/parameters/Subject'
    post:
      operationId: eraseSubject
      summary: Erase a data subject
      description: >-
        GDPR Art. 17, for roles with `subjects.erase`: removes the subject's memories, versions,
        edges, usage, embeddings and index entries, deletes or flags derived artifacts, destroys
        the subject's key (crypto-shredding), compacts the store, and returns an Ed25519-signed
        receipt anchored to an audit checkpoint. The body is optional.
      tags: [subjects]
      parameters:
        - $ref: '#/components/parameters/Role'
      requestBody:
        required: false
        content:
          application/json:
            schema: {$ref: '#/components/schemas/EraseSubjectRequest'}
            example: {reason: Art. 17 request 2026-114}
      responses:
        '200':
          description: The signed receipt.
          content:
            application/json:
              schema: {$ref: '#/components/schemas/ReceiptEnvelope'}
        '400': {$ref: '#/components/responses/BadRequest'}
        '401': {$ref: '#/components/responses/Unauthorized'}
        '403': {$ref: '#/components/responses/Forbidden'}
        '413': {$ref: '#/components/responses/PayloadTooLarge'}
        '415': {$ref: '#/components/responses/UnsupportedMediaType'}
        '503': {$ref: '#/components/responses/ServiceUnavailable'}
  /v1/scheduler/status:
    get:
      operationId: getSchedulerStatus
      summary: The scheduler's queue and sessions
      description: >-
        Task counts by kind and state, recent tasks, session and embedding figures. A tenant
        user sees its tenant (`scope: tenant`); an operator sees the platform
        (`scope: platform`). Never memory text.
      tags: [scheduler]
      parameters:
        - $ref: '#/components/parameters/Role'
      responses:
        '200':
          description: The status.
          content:
            application/json:
              schema: {$ref: '#/components/schemas/SchedulerStatus'}
        '401': {$ref: '#/components/responses/Unauthorized'}
        '403': {$ref: '#/components/responses/Forbidden'}
        '503': {$ref: '#/components/responses/ServiceUnavailable'}
  /v1/scheduler/tasks/{id}:
    parameters:
      - $ref: '#/components/parameters/TaskId'
    get:
      operationId: getSchedulerTask
      summary: One scheduler task
      tags: [scheduler]
      parameters:
        - $ref: '#/components/parameters/Role'
      responses:
        '200':
          description: The task.
          content:
            application/json:
              schema: {$ref: '#/components/schemas/SchedulerTaskEnvelope'}
        '401': {$ref: '#/components/responses/Unauthorized'}
        '403': {$ref: '#/components/responses/Forbidden'}
        '404': {$ref: '#/components/responses/NotFound'}
        '503': {$ref: '#/components/responses/ServiceUnavailable'}
  /v1/scheduler/working-memory:
    get:
      operationId: getWorkingMemory
      summary: A session's working memory
      description: The memories the scheduler holds for the session, as the acting role may read them.
      tags: [scheduler]
      parameters:
        - $ref: '#/components/parameters/Role'
        - name: session
          in: query
          required: true
          description: The session id (as sent in `session_id`).
          schema: {type: string}
      responses:
        '200':
          description: The working memory.
          content:
            application/json:
              schema: {$ref: '#/components/schemas/WorkingMemory'}
        '400': {$ref: '#/components/responses/BadRequest'}
        '401': {$ref: '#/components/responses/Unauthorized'}
        '403': {$ref: '#/components/responses/Forbidden'}
        '404': {$ref: '#/components/responses/NotFound'}
        '503': {$ref: '#/components/responses/ServiceUnavailable'}
  /v1/scheduler/sessions/{session}/turns:
    parameters:
      - name: session
        in: path
        required: true
        description: The session id (percent-encoded).
        schema: {type: string}
    post:
      operationId: recordSessionTurn
      summary: Record a conversation turn
      description: What was said, for intent tracking and next-scene preloading.
      tags: [scheduler]
      parameters:
        - $ref: '#/components/parameters/Role'
      requestBody:
        required: true
        content:
          application/json:
            schema: {$ref: '#/components/schemas/SessionTurnRequest'}
      responses:
        '202':
          description: Recorded; any preloading runs in the background.
        '400': {$ref: '#/components/responses/BadRequest'}
        '401': {$ref: '#/components/responses/Unauthorized'}
        '403': {$ref: '#/components/responses/Forbidden'}
        '413': {$ref: '#/components/responses/PayloadTooLarge'}
        '415': {$ref: '#/components/responses/UnsupportedMediaType'}
        '503': {$ref: '#/components/responses/ServiceUnavailable'}
  /v1/activation:
    get:
      operationId: getActivation
      summary: The persona's activation memory
      description: >-
        The acting persona's hottest readable memories as one stable prefix whose id is the
        SHA-256 of its text; chat puts it first in the system prompt so backend prefix caches
        are reused. 404 until some memory has been retrieved often enough.
      tags: [activation]
      parameters:
        - $ref: '#/components/parameters/Role'
      responses:
        '200':
          description: The activation prefix.
          content:
            application/json:
              schema:
                type: object
                required: [activation]
                properties:
                  activation: {$ref: '#/components/schemas/Activation'}
        '401': {$ref: '#/components/responses/Unauthorized'}
        '403': {$ref: '#/components/responses/Forbidden'}
        '404': {$ref: '#/components/responses/NotFound'}
        '503': {$ref: '#/components/responses/ServiceUnavailable'}
  /v1/activation/rebuild:
    post:
      operationId: rebuildActivation
      summary: Rebuild the activation memory
      description: Queues an `activation_rebuild` task for the acting persona. No body.
      tags: [activation]
      parameters:
        - $ref: '#/components/parameters/Role'
      responses:
        '202':
          description: The queued task.
          content:
            application/json:
              schema: {$ref: '#/components/schemas/SchedulerTaskEnvelope'}
        '401': {$ref: '#/components/responses/Unauthorized'}
        '403': {$ref: '#/components/responses/Forbidden'}
        '503': {$ref: '#/components/responses/ServiceUnavailable'}
  /v1/artifacts:
    post:
      operationId: createArtifact
      summary: Create an artifact (metadata)
      description: >-
        Step 1 of an upload: the metadata is validated (provenance, label, permissions) before
        any bytes are sent; the artifact starts `pending`. Needs `artifacts.write`. A name already
        used by the persona creates the next version. The label is
        no lower than the labels of the memories in `derived_from`. Content that has not arrived
        24 h after creation expires with its key.
      tags: [artifacts]
      parameters:
        - $ref: '#/components/parameters/Role'
      requestBody:
        required: true
        content:
          application/json:
            schema: {$ref: '#/components/schemas/CreateArtifactRequest'}
      responses:
        '201':
          description: The pending artifact.
          headers:
            Location:
              description: /v1/artifacts/{id}
              schema: {type: string}
          content:
            application/json:
              schema: {$ref: '#/components/schemas/ArtifactEnvelope'}
        '400': {$ref: '#/components/responses/BadRequest'}
        '401': {$ref: '#/components/responses/Unauthorized'}
        '403': {$ref: '#/components/responses/Forbidden'}
        '404': {$ref: '#/components/responses/NotFound'}
        '409': {$ref: '#/components/responses/Conflict'}
        '413': {$ref: '#/components/responses/PayloadTooLarge'}
        '415': {$ref: '#/components/responses/UnsupportedMediaType'}
        '503': {$ref: '#/components/responses/ServiceUnavailable'}
    get:
      operationId: listArtifacts
      summary: List artifacts
      description: >-
        The artifacts the acting role may see (read access to the subspace and clearance for the
        label), newest first; the latest version of each name unless `all_versions=true`.
      tags: [artifacts]
      parameters:
        - $ref: '#/components/parameters/Role'
        - name: kind
          in: query
          schema: {$ref: '#/components/schemas/ArtifactKind'}
        - $ref: '#/components/parameters/AllVersions'
      responses:
        '200':
          description: The artifacts.
          content:
            application/json:
              schema:
                type: object
                required: [artifacts]
                properties:
                  artifacts:
                    type: array
                    items: {$ref: '#/components/schemas/Artifact'}
        '400': {$ref: '#/components/responses/BadRequest'}
        '401': {$ref: '#/components/responses/Unauthorized'}
        '403': {$ref: '#/components/responses/Forbidden'}
        '503': {$ref: '#/components/responses/ServiceUnavailable'}
  /v1/artifacts/{id}:
    parameters:
      - $ref: '#/components/parameters/ArtifactId'
    get:
      operationId: getArtifact
      summary: An artifact's metadata
      tags: [artifacts]
      parameters:
        - $ref: '#/components/parameters/Role'
      responses:
        '200':
          description: The artifact version.
          content:
            application/json:
              schema: {$ref: '#/components/schemas/ArtifactEnvelope'}
        '401': {$ref: '#/components/responses/Unauthorized'}
        '403': {$ref: '#/components/responses/Forbidden'}
        '404': {$ref: '#/components/responses/NotFound'}
        '503': {$ref: '#/components/responses/ServiceUnavailable'}
    delete:
      operationId: deleteArtifact
      summary: Delete an artifact
      description: This version, or every version with `all_versions=true`; chunks and data keys go with it.
      tags: [artifacts]
      parameters:
        - $ref: '#/components/parameters/Role'
        - $ref: '#/components/parameters/AllVersions'
      responses:
        '200':
          description: The ids of the deleted versions.
          content:
            application/json:
              schema:
                type: object
                required: [deleted]
                properties:
                  deleted:
                    type: array
                    items: {type: string, format: uuid}
        '400': {$ref: '#/components/responses/BadRequest'}
        '401': {$ref: '#/components/responses/Unauthorized'}
        '403': {$ref: '#/components/responses/Forbidden'}
        '404': {$ref: '#/components/responses/NotFound'}
        '503': {$ref: '#/components/responses/ServiceUnavailable'}
  /v1/artifacts/{id}/content:
    parameters:
      - $ref: '#/components/parameters/ArtifactId'
    put:
      operationId: uploadArtifactContent
      summary: Upload an artifact's content
      description: >-
        Step 2 of an upload: the raw bytes (any content type), streamed and sealed in 1 MiB
        chunks under the artifact's own key. Only the creating persona uploads, once (409 when
        the content is already there). Above the artifact limit (512 MiB by default) the
        answer is 413, checked against Content-Length up front and while streaming chunked
        bodies.
      tags: [artifacts]
      parameters:
        - $ref: '#/components/parameters/Role'
      requestBody:
        required: true
        content:
          application/octet-stream:
            schema: {type: string, contentMediaType: application/octet-stream}
      responses:
        '200':
          description: The artifact, now `ready`, with its size and SHA-256.
          content:
            application/json:
              schema: {$ref: '#/components/schemas/ArtifactEnvelope'}
        '400': {$ref: '#/components/responses/BadRequest'}
        '401': {$ref: '#/components/responses/Unauthorized'}
        '403': {$ref: '#/components/responses/Forbidden'}
        '404': {$ref: '#/components/responses/NotFound'}
        '409': {$ref: '#/components/responses/Conflict'}
        '413': {$ref: '#/components/responses/PayloadTooLarge'}
        '503': {$ref: '#/components/responses/ServiceUnavailable'}
    get:
      operationId: downloadArtifactContent
      summary: Download an artifact's content
      description: >-
        Streamed after verification against the sealed SHA-256. Needs `artifacts.read`. 409 while
        the content has not been uploaded, and for an artifact flagged because data it derives
        from was erased, unless `accept_flagged=true`.
      tags: [artifacts]
      parameters:
        - $ref: '#/components/parameters/Role'
        - name: accept_flagged
          in: query
          description: Accept an artifact flagged after an erasure (the flags come back in X-MemOS-Artifact-Flag).
          schema: {type: boolean, default: false}
      responses:
        '200':
          description: The content.
          headers:
            X-MemOS-Artifact-SHA256:
              description: Hex SHA-256 of the content, as sealed at upload.
              schema: {type: string}
            X-MemOS-Artifact-Flag:
              description: The accepted flags' reasons, separated by '; '.
              schema: {type: string}
          content:
            application/octet-stream:
              schema: {type: string, contentMediaType: application/octet-stream}
        '400': {$ref: '#/components/responses/BadRequest'}
        '401': {$ref: '#/components/responses/Unauthorized'}
        '403': {$ref: '#/components/responses/Forbidden'}
        '404': {$ref: '#/components/responses/NotFound'}
        '409': {$ref: '#/components/responses/Conflict'}
        '500': {$ref: '#/components/responses/IntegrityError'}
        '503': {$ref: '#/components/responses/ServiceUnavailable'}
  /v1/artifacts/{id}/versions:
    parameters:
      - $ref: '#/components/parameters/ArtifactId'
    get:
      operationId: listArtifactVersions
      summary: An artifact's versions
      tags: [artifacts]
      parameters:
        - $ref: '#/components/parameters/Role'
      responses:
        '200':
          description: Every version the acting role may read.
          content:
            application/json:
              schema:
                type: object
                required: [id, versions]
                properties:
                  id: {type: string, format: uuid}
                  versions:
                    type: array
                    items: {$ref: '#/components/schemas/Artifact'}
        '401': {$ref: '#/components/responses/Unauthorized'}
        '403': {$ref: '#/components/responses/Forbidden'}
        '404': {$ref: '#/components/responses/NotFound'}
        '503': {$ref: '#/components/responses/ServiceUnavailable'}
  /v1/memstore/offerings:
    post:
      operationId: publishOffering
      summary: Publish an offering
      description: >-
        Publishes a cube, or chosen memories, read-only to named tenants (optionally only some of
        their roles) under a label ceiling (default internal, never above the publisher's
        clearance). Needs `memstore.publish`. Exactly one of `cube` and `memory_ids`.
      tags: [memstore]
      parameters:
        - $ref: '#/components/parameters/Role'
      requestBody:
        required: true
        content:
          application/json:
            schema: {$ref: '#/components/schemas/PublishOfferingRequest'}
      responses:
        '201':
          description: The offering.
          content:
            application/json:
              schema: {$ref: '#/components/schemas/OfferingEnvelope'}
        '400': {$ref: '#/components/responses/BadRequest'}
        '401': {$ref: '#/components/responses/Unauthorized'}
        '403': {$ref: '#/components/responses/Forbidden'}
        '404': {$ref: '#/components/responses/NotFound'}
        '409': {$ref: '#/components/responses/Conflict'}
        '413': {$ref: '#/components/responses/PayloadTooLarge'}
        '415': {$ref: '#/components/responses/UnsupportedMediaType'}
        '503': {$ref: '#/components/responses/ServiceUnavailable'}
    get:
      operationId: listOfferings
      summary: List your tenant's offerings
      description: Needs `memstore.publish`.
      tags: [memstore]
      parameters:
        - $ref: '#/components/parameters/Role'
      responses:
        '200':
          description: The offerings, with their subscribers.
          content:
            application/json:
              schema:
                type: object
                required: [offerings]
                properties:
                  offerings:
                    type: array
                    items: {$ref: '#/components/schemas/Offering'}
        '401': {$ref: '#/components/responses/Unauthorized'}
        '403': {$ref: '#/components/responses/Forbidden'}
        '503': {$ref: '#/components/responses/ServiceUnavailable'}
  /v1/memstore/offerings/{id}:
    parameters:
      - $ref: '#/components/parameters/OfferingId'
    get:
      operationId: getOffering
      summary: One of your tenant's offerings
      description: Needs `memstore.publish`.
      tags: [memstore]
      parameters:
        - $ref: '#/components/parameters/Role'
      responses:
        '200':
          description: The offering.
          content:
            application/json:
              schema: {$ref: '#/components/schemas/OfferingEnvelope'}
        '401': {$ref: '#/components/responses/Unauthorized'}
        '403': {$ref: '#/components/responses/Forbidden'}
        '404': {$ref: '#/components/responses/NotFound'}
        '503': {$ref: '#/components/responses/ServiceUnavailable'}
    delete:
      operationId: withdrawOffering
      summary: Withdraw an offering
      description: Deletes the offering (needs `memstore.publish`); its subscribers lose access on their next request.
      tags: [memstore]
      parameters:
        - $ref: '#/components/parameters/Role'
      responses:
        '204':
          description: Withdrawn.
        '401': {$ref: '#/components/responses/Unauthorized'}
        '403': {$ref: '#/components/responses/Forbidden'}
        '404': {$ref: '#/components/responses/NotFound'}
        '503': {$ref: '#/components/responses/ServiceUnavailable'}
  /v1/memstore/offerings/{id}/revoke:
    parameters:
      - $ref: '#/components/parameters/OfferingId'
    post:
      operationId: revokeOfferingTenant
      summary: Remove a tenant from an offering's audience
      description: >-
        `tenant` names the audience tenant to remove, never the caller's own tenant (that comes
        from the credential). Needs `memstore.publish`. Takes effect on the next request.
      tags: [memstore]
      parameters:
        - $ref: '#/components/parameters/Role'
      requestBody:
        required: true
        content:
          application/json:
            schema: {$ref: '#/components/schemas/RevokeOfferingRequest'}
      responses:
        '200':
          description: The offering after the revocation.
          content:
            application/json:
              schema: {$ref: '#/components/schemas/OfferingEnvelope'}
        '400': {$ref: '#/components/responses/BadRequest'}
        '401': {$ref: '#/components/responses/Unauthorized'}
        '403': {$ref: '#/components/responses/Forbidden'}
        '404': {$ref: '#/components/responses/NotFound'}
        '413': {$ref: '#/components/responses/PayloadTooLarge'}
        '415': {$ref: '#/components/responses/UnsupportedMediaType'}
        '503': {$ref: '#/components/responses/ServiceUnavailable'}
  /v1/memstore/catalog:
    get:
      operationId: getMemStoreCatalog
      summary: Offerings addressed to your tenant
      description: >-
        Offerings addressed to the caller's tenant whose audience roles admit the acting role
        (every one with `memstore.subscribe`), with the tenant's subscription where there is one.
      tags: [memstore]
      parameters:
        - $ref: '#/components/parameters/Role'
      responses:
        '200':
          description: The catalog.
          content:
            application/json:
              schema:
                type: object
                required: [offerings]
                properties:
                  offerings:
                    type: array
                    items: {$ref: '#/components/schemas/CatalogEntry'}
        '401': {$ref: '#/components/responses/Unauthorized'}
        '403': {$ref: '#/components/responses/Forbidden'}
        '503': {$ref: '#/components/responses/ServiceUnavailable'}
  /v1/memstore/subscriptions:
    post:
      operationId: subscribe
      summary: Subscribe to an offering
      description: >-
        Needs `memstore.subscribe`. An offering not addressed to the caller's tenant answers 404.
        A subscription is read-only by construction.
      tags: [memstore]
      parameters:
        - $ref: '#/components/parameters/Role'
      requestBody:
        required: true
        content:
          application/json:
            schema: {$ref: '#/components/schemas/SubscribeRequest'}
      responses:
        '201':
          description: The subscription.
          content:
            application/json:
              schema: {$ref: '#/components/schemas/SubscriptionEnvelope'}
        '400': {$ref: '#/components/responses/BadRequest'}
        '401': {$ref: '#/components/responses/Unauthorized'}
        '403': {$ref: '#/components/responses/Forbidden'}
        '404': {$ref: '#/components/responses/NotFound'}
        '409': {$ref: '#/components/responses/Conflict'}
        '413': {$ref: '#/components/responses/PayloadTooLarge'}
        '415': {$ref: '#/components/responses/UnsupportedMediaType'}
        '503': {$ref: '#/components/responses/ServiceUnavailable'}
    get:
      operationId: listSubscriptions
      summary: List your tenant's subscriptions
      description: Those the acting role may read through; every one with `memstore.subscribe`.
      tags: [memstore]
      parameters:
        - $ref: '#/components/parameters/Role'
      responses:
        '200':
          description: The subscriptions.
          content:
            application/json:
              schema:
                type: object
                required: [subscriptions]
                properties:
                  subscriptions:
                    type: array
                    items: {$ref: '#/components/schemas/Subscription'}
        '401': {$ref: '#/components/responses/Unauthorized'}
        '403': {$ref: '#/components/responses/Forbidden'}
        '503': {$ref: '#/components/responses/ServiceUnavailable'}
  /v1/memstore/subscriptions/{id}:
    parameters:
      - $ref: '#/components/parameters/SubscriptionId'
    get:
      operationId: getSubscription
      summary: One subscription
      tags: [memstore]
      parameters:
        - $ref: '#/components/parameters/Role'
      responses:
        '200':
          description: The subscription.
          content:
            application/json:
              schema: {$ref: '#/components/schemas/SubscriptionEnvelope'}
        '401': {$ref: '#/components/responses/Unauthorized'}
        '403': {$ref: '#/components/responses/Forbidden'}
        '404': {$ref: '#/components/responses/NotFound'}
        '503': {$ref: '#/components/responses/ServiceUnavailable'}
    delete:
      operationId: unsubscribe
      summary: End a subscription
      tags: [memstore]
      parameters:
        - $ref: '#/components/parameters/Role'
      responses:
        '204':
          description: Ended.
        '401': {$ref: '#/components/responses/Unauthorized'}
        '403': {$ref: '#/components/responses/Forbidden'}
        '404': {$ref: '#/components/responses/NotFound'}
        '503': {$ref: '#/components/responses/ServiceUnavailable'}
  /v1/memstore/subscriptions/{id}/search:
    parameters:
      - $ref: '#/components/parameters/SubscriptionId'
    post:
      operationId: searchSubscription
      summary: Search through a subscription
      description: >-
        The publisher's current memories up to the offering's label ceiling, redacted and
        watermarked for the caller. Audited in both tenants' trails.
      tags: [memstore]
      parameters:
        - $ref: '#/components/parameters/Role'
      requestBody:
        required: true
        content:
          application/json:
            schema: {$ref: '#/components/schemas/SubscriptionSearchRequest'}
      responses:
        '200':
          description: Results, best first.
          content:
            application/json:
              schema:
                type: object
                required: [results]
                properties:
                  results:
                    type: array
                    items: {$ref: '#/components/schemas/SubscribedSearchResult'}
        '400': {$ref: '#/components/responses/BadRequest'}
        '401': {$ref: '#/components/responses/Unauthorized'}
        '403': {$ref: '#/components/responses/Forbidden'}
        '404': {$ref: '#/components/responses/NotFound'}
        '413': {$ref: '#/components/responses/PayloadTooLarge'}
        '415': {$ref: '#/components/responses/UnsupportedMediaType'}
        '503': {$ref: '#/components/responses/ServiceUnavailable'}
  /v1/memstore/subscriptions/{id}/memories:
    parameters:
      - $ref: '#/components/parameters/SubscriptionId'
    get:
      operationId: listSubscribedMemories
      summary: List memories through a subscription
      tags: [memstore]
      parameters:
        - $ref: '#/components/parameters/Role'
        - $ref: '#/components/parameters/Limit'
        - $ref: '#/components/parameters/Cursor'
      responses:
        '200':
          description: One page of the publisher's memories.
          content:
            application/json:
              schema:
                type: object
                required: [memories]
                properties:
                  memories:
                    type: array
                    items: {$ref: '#/components/schemas/SubscribedMemory'}
                  next_cursor:
                    type: string
                    description: Present when more pages follow.
        '400': {$ref: '#/components/responses/BadRequest'}
        '401': {$ref: '#/components/responses/Unauthorized'}
        '403': {$ref: '#/components/responses/Forbidden'}
        '404': {$ref: '#/components/responses/NotFound'}
        '503': {$ref: '#/components/responses/ServiceUnavailable'}
  /v1/memstore/subscriptions/{id}/memories/{memory}:
    parameters:
      - $ref: '#/components/parameters/SubscriptionId'
      - name: memory
        in: path
        required: true
        description: The publisher's memory id.
        schema: {type: string, format: uuid}
    get:
      operationId: getSubscribedMemory
      summary: Read one memory through a subscription
      tags: [memstore]
      parameters:
        - $ref: '#/components/parameters/Role'
      responses:
        '200':
          description: The memory.
          content:
            application/json:
              schema:
                type: object
                required: [memory]
                properties:
                  memory: {$ref: '#/components/schemas/SubscribedMemory'}
        '401': {$ref: '#/components/responses/Unauthorized'}
        '403': {$ref: '#/components/responses/Forbidden'}
        '404': {$ref: '#/components/responses/NotFound'}
        '503': {$ref: '#/components/responses/ServiceUnavailable'}
  /v1/chat:
    post:
      operationId: chat
      summary: Chat with memory
      description: >-
        Retrieves for the acting persona, composes activation prefix + working memory + retrieved
        memories (only what the role may read, PII redacted), calls the configured model, and
        writes the turn as new memories labelled at least as high as what it used. The answer is
        watermarked when it used marked labels. With `"stream": true` the answer is
        `text/event-stream` with the events `memories` (ChatPreparation), `delta` (ChatDelta),
        `done` (ChatResponse without `answer`) or `error` (a Problem, when the model fails
        mid-answer). Refusals before the model is called are ordinary problem responses; no
        configured model answers 503.
      tags: [chat]
      parameters:
        - $ref: '#/components/parameters/Role'
      requestBody:
        required: true
        content:
          application/json:
            schema: {$ref: '#/components/schemas/ChatRequest'}
            example: {query: 'What is my cat called?', session_id: s-42}
      responses:
        '200':
          description: The answer, or its event stream.
          content:
            application/json:
              schema: {$ref: '#/components/schemas/ChatResponse'}
            text/event-stream:
              schema:
                type: string
                description: >-
                  Server-sent events, each `event: <name>` and one `data:` line of JSON:
                  memories (ChatPreparation), delta (ChatDelta), done (ChatResponse without
                  answer), error (Problem).
              example: |
                event: memories
                data: {"activation_id":null,"label":"internal","memories_used":[],"session_id":"s-42","watermarked":true}

                event: delta
                data: {"text":"Miso"}

                event: done
                data: {"activation_id":null,"label":"internal","memories_used":[],"model":"llama3.1","session_id":"s-42","watermarked":true,"written":[]}
        '400': {$ref: '#/components/responses/BadRequest'}
        '401': {$ref: '#/components/responses/Unauthorized'}
        '403': {$ref: '#/components/responses/Forbidden'}
        '404': {$ref: '#/components/responses/NotFound'}
        '413': {$ref: '#/components/responses/PayloadTooLarge'}
        '415': {$ref: '#/components/responses/UnsupportedMediaType'}
        '502': {$ref: '#/components/responses/BadGateway'}
        '503': {$ref: '#/components/responses/ServiceUnavailable'}
  /product/add:
    post:
      operationId: productAdd
      summary: MemOS add
      description: >-
        MemOS `APIADDRequest`: `messages` or `memory_content`, into `writable_cube_ids` (or
        `mem_cube_id`; the user's own id or username means the persona's default cube). `user_id`
        must name the credential's own user (username or id) or the request is refused with 403
        before anything is stored; a cube the role may not use answers 404. `async_mode` `sync`
        reads with the fine reader when a model is configured, `async` fast now and refined in
        the background.
      tags: [product]
      parameters:
        - $ref: '#/components/parameters/Role'
      requestBody:
        required: true
        content:
          application/json:
            schema: {$ref: '#/components/schemas/ProductAddRequest'}
      responses:
        '200':
          description: The stored memories.
          content:
            application/json:
              schema:
                allOf:
                  - $ref: '#/components/schemas/ProductEnvelope'
                  - properties:
                      message: {const: Memory added successfully}
                      data:
                        type: array
                        items: {$ref: '#/components/schemas/ProductAddedMemory'}
        '400': {$ref: '#/components/responses/BadRequest'}
        '401': {$ref: '#/components/responses/Unauthorized'}
        '403': {$ref: '#/components/responses/Forbidden'}
        '404': {$ref: '#/components/responses/NotFound'}
        '409': {$ref: '#/components/responses/Conflict'}
        '413': {$ref: '#/components/responses/PayloadTooLarge'}
        '415': {$ref: '#/components/responses/UnsupportedMediaType'}
        '502': {$ref: '#/components/responses/BadGateway'}
        '503': {$ref: '#/components/responses/ServiceUnavailable'}
  /product/search:
    post:
      operationId: productSearch
      summary: MemOS search
      description: >-
        MemOS `APISearchRequest` over `readable_cube_ids` (or `mem_cube_id`, or every cube the role
        may read). Text memories grouped by cube; the other MemOS memory kinds are empty. Same
        `user_id` and cube rules as `/product/add`.
      tags: [product]
      parameters:
        - $ref: '#/components/parameters/Role'
      requestBody:
        required: true
        content:
          application/json:
            schema: {$ref: '#/components/schemas/ProductSearchRequest'}
      responses:
        '200':
          description: The results.
          content:
            application/json:
              schema:
                allOf:
                  - $ref: '#/components/schemas/ProductEnvelope'
                  - properties:
                      message: {const: Search completed successfully}
                      data: {$ref: '#/components/schemas/ProductSearchData'}
        '400': {$ref: '#/components/responses/BadRequest'}
        '401': {$ref: '#/components/responses/Unauthorized'}
        '403': {$ref: '#/components/responses/Forbidden'}
        '404': {$ref: '#/components/responses/NotFound'}
        '409': {$ref: '#/components/responses/Conflict'}
        '413': {$ref: '#/components/responses/PayloadTooLarge'}
        '415': {$ref: '#/components/responses/UnsupportedMediaType'}
        '502': {$ref: '#/components/responses/BadGateway'}
        '503': {$ref: '#/components/responses/ServiceUnavailable'}
  /product/chat:
    post:
      operationId: productChat
      summary: MemOS chat (streamed)
      description: >-
        MemOS's product chat, always streamed: `data:` events (no event names) carrying
        `{"type": "reference", "data": [ProductReference]}`, then `{"type": "text", "data":
        "<piece>"}` pieces, then `{"type": "end", "data": {session_id, written, label}}`, or
        `{"type": "error", "content", "status"}` when the model fails mid-answer. Same `user_id`
        and cube rules as `/product/add`; `model_name_or_path`, when given, must be the model
        this gateway serves.
      tags: [product]
      parameters:
        - $ref: '#/components/parameters/Role'
      requestBody:
        required: true
        content:
          application/json:
            schema: {$ref: '#/components/schemas/ProductChatRequest'}
      responses:
        '200':
          $ref: '#/components/responses/ProductChatStream'
        '400': {$ref: '#/components/responses/BadRequest'}
        '401': {$ref: '#/components/responses/Unauthorized'}
        '403': {$ref: '#/components/responses/Forbidden'}
        '404': {$ref: '#/components/responses/NotFound'}
        '409': {$ref: '#/components/responses/Conflict'}
        '413': {$ref: '#/components/responses/PayloadTooLarge'}
        '415': {$ref: '#/components/responses/UnsupportedMediaType'}
        '502': {$ref: '#/components/responses/BadGateway'}
        '503': {$ref: '#/components/responses/ServiceUnavailable'}
  /product/chat/stream:
    post:
      operationId: productChatStream
      summary: MemOS chat stream
      description: The MemOS server API's name for `/product/chat`; the same request and the same event stream.
      tags: [product]
      parameters:
        - $ref: '#/components/parameters/Role'
      requestBody:
        required: true
        content:
          application/json:
            schema: {$ref: '#/components/schemas/ProductChatRequest'}
      responses:
        '200':
          $ref: '#/components/responses/ProductChatStream'
        '400': {$ref: '#/components/responses/BadRequest'}
        '401': {$ref: '#/components/responses/Unauthorized'}
        '403': {$ref: '#/components/responses/Forbidden'}
        '404': {$ref: '#/components/responses/NotFound'}
        '409': {$ref: '#/components/responses/Conflict'}
        '413': {$ref: '#/components/responses/PayloadTooLarge'}
        '415': {$ref: '#/components/responses/UnsupportedMediaType'}
        '502': {$ref: '#/components/responses/BadGateway'}
        '503': {$ref: '#/components/responses/ServiceUnavailable'}
  /product/chat/complete:
    post:
      operationId: productChatComplete
      summary: MemOS chat, complete answer
      description: MemOS `APIChatCompleteRequest`; the whole answer in one envelope.
      tags: [product]
      parameters:
        - $ref: '#/components/parameters/Role'
      requestBody:
        required: true
        content:
          application/json:
            schema: {$ref: '#/components/schemas/ProductChatRequest'}
      responses:
        '200':
          description: The answer.
          content:
            application/json:
              schema:
                allOf:
                  - $ref: '#/components/schemas/ProductEnvelope'
                  - properties:
                      message: {const: Chat completed successfully}
                      data: {$ref: '#/components/schemas/ProductChatData'}
        '400': {$ref: '#/components/responses/BadRequest'}
        '401': {$ref: '#/components/responses/Unauthorized'}
        '403': {$ref: '#/components/responses/Forbidden'}
        '404': {$ref: '#/components/responses/NotFound'}
        '409': {$ref: '#/components/responses/Conflict'}
        '413': {$ref: '#/components/responses/PayloadTooLarge'}
        '415': {$ref: '#/components/responses/UnsupportedMediaType'}
        '502': {$ref: '#/components/responses/BadGateway'}
        '503': {$ref: '#/components/responses/ServiceUnavailable'}
  /product/get_memory:
    post:
      operationId: productGetMemories
      summary: MemOS get memories of a cube
      description: >-
        MemOS `GetMemoryRequest`: every memory of `mem_cube_id` the role may read, or one page
        with `page` and `page_size`, in MemOS's graph shape. Same `user_id` and cube rules as
        `/product/add`.
      tags: [product]
      parameters:
        - $ref: '#/components/parameters/Role'
      requestBody:
        required: true
        content:
          application/json:
            schema: {$ref: '#/components/schemas/ProductGetMemoryRequest'}
      responses:
        '200':
          description: The memories.
          content:
            application/json:
              schema:
                allOf:
                  - $ref: '#/components/schemas/ProductEnvelope'
                  - properties:
                      message: {const: Memories retrieved successfully}
                      data: {$ref: '#/components/schemas/ProductGetMemoryData'}
        '400': {$ref: '#/components/responses/BadRequest'}
        '401': {$ref: '#/components/responses/Unauthorized'}
        '403': {$ref: '#/components/responses/Forbidden'}
        '404': {$ref: '#/components/responses/NotFound'}
        '409': {$ref: '#/components/responses/Conflict'}
        '413': {$ref: '#/components/responses/PayloadTooLarge'}
        '415': {$ref: '#/components/responses/UnsupportedMediaType'}
        '500': {$ref: '#/components/responses/IntegrityError'}
        '503': {$ref: '#/components/responses/ServiceUnavailable'}
  /product/get_memory/{id}:
    parameters:
      - $ref: '#/components/parameters/MemoryId'
    get:
      operationId: productGetMemory
      summary: MemOS get one memory
      tags: [product]
      parameters:
        - $ref: '#/components/parameters/Role'
      responses:
        '200':
          description: The memory in MemOS's TextualMemoryItem shape.
          content:
            application/json:
              schema:
                allOf:
                  - $ref: '#/components/schemas/ProductEnvelope'
                  - properties:
                      message: {const: Memory retrieved successfully}
                      data: {$ref: '#/components/schemas/ProductMemory'}
        '401': {$ref: '#/components/responses/Unauthorized'}
        '403': {$ref: '#/components/responses/Forbidden'}
        '404': {$ref: '#/components/responses/NotFound'}
        '500': {$ref: '#/components/responses/IntegrityError'}
        '503': {$ref: '#/components/responses/ServiceUnavailable'}
  /product/delete_memory:
    post:
      operationId: productDeleteMemories
      summary: MemOS delete memories
      description: >-
        MemOS `DeleteMemoryRequest`. Every id is checked before anything is deleted, so one bad
        id (unknown, unreadable, or outside the cubes named in `writable_cube_ids`) deletes
        nothing and answers 404.
      tags: [product]
      parameters:
        - $ref: '#/components/parameters/Role'
      requestBody:
        required: true
        content:
          application/json:
            schema: {$ref: '#/components/schemas/ProductDeleteMemoryRequest'}
      responses:
        '200':
          description: The deleted ids.
          content:
            application/json:
              schema:
                allOf:
                  - $ref: '#/components/schemas/ProductEnvelope'
                  - properties:
                      message: {const: Memories deleted successfully}
                      data: {$ref: '#/components/schemas/ProductDeleteData'}
        '400': {$ref: '#/components/responses/BadRequest'}
        '401': {$ref: '#/components/responses/Unauthorized'}
        '403': {$ref: '#/components/responses/Forbidden'}
        '404': {$ref: '#/components/responses/NotFound'}
        '409': {$ref: '#/components/responses/Conflict'}
        '413': {$ref: '#/components/responses/PayloadTooLarge'}
        '415': {$ref: '#/components/responses/UnsupportedMediaType'}
        '503': {$ref: '#/components/responses/ServiceUnavailable'}
  /admin/v1/tenants:
    post:
      operationId: createTenant
      summary: Create a tenant
      description: Operators only.
      tags: [admin]
      requestBody:
        required: true
        content:
          application/json:
            schema: {$ref: '#/components/schemas/CreateTenantRequest'}
      responses:
        '201':
          description: The new tenant.
          content:
            application/json:
              schema:
                type: object
                required: [tenant]
                properties:
                  tenant: {$ref: '#/components/schemas/Tenant'}
        '400': {$ref: '#/components/responses/BadRequest'}
        '401': {$ref: '#/components/responses/Unauthorized'}
        '403': {$ref: '#/components/responses/Forbidden'}
        '409': {$ref: '#/components/responses/Conflict'}
        '413': {$ref: '#/components/responses/PayloadTooLarge'}
        '415': {$ref: '#/components/responses/UnsupportedMediaType'}
        '503': {$ref: '#/components/responses/ServiceUnavailable'}
    get:
      operationId: listTenants
      summary: List tenants
      description: Every tenant for an operator; a tenant user sees only its own.
      tags: [admin]
      responses:
        '200':
          description: The tenants.
          content:
            application/json:
              schema:
                type: object
                required: [tenants]
                properties:
                  tenants:
                    type: array
                    items: {$ref: '#/components/schemas/Tenant'}
        '401': {$ref: '#/components/responses/Unauthorized'}
        '503': {$ref: '#/components/responses/ServiceUnavailable'}
  /admin/v1/tenants/{tenant}:
    parameters:
      - $ref: '#/components/parameters/TenantName'
    get:
      operationId: getTenant
      summary: A tenant with its user count
      description: Operators, or that tenant's admin (a role with `users.manage`); another tenant answers 404.
      tags: [admin]
      parameters:
        - $ref: '#/components/parameters/Role'
      responses:
        '200':
          description: The tenant.
          content:
            application/json:
              schema: {$ref: '#/components/schemas/TenantDetailEnvelope'}
        '401': {$ref: '#/components/responses/Unauthorized'}
        '403': {$ref: '#/components/responses/Forbidden'}
        '404': {$ref: '#/components/responses/NotFound'}
        '503': {$ref: '#/components/responses/ServiceUnavailable'}
    delete:
      operationId: deleteTenant
      summary: Erase a whole tenant
      description: >-
        Operators only. Suspends the tenant, erases every memory through the subject-erasure path,
        destroys every data key, deletes the tenant with its users, role bindings, API keys and
        cubes, compacts the store, and returns a signed receipt. Recorded in the audit trail
        before anything changes (fail-closed); a failed erasure can be retried.
      tags: [admin]
      responses:
        '200':
          description: The signed receipt.
          content:
            application/json:
              schema: {$ref: '#/components/schemas/ReceiptEnvelope'}
        '401': {$ref: '#/components/responses/Unauthorized'}
        '403': {$ref: '#/components/responses/Forbidden'}
        '404': {$ref: '#/components/responses/NotFound'}
        '503': {$ref: '#/components/responses/ServiceUnavailable'}
  /admin/v1/tenants/{tenant}/suspend:
    parameters:
      - $ref: '#/components/parameters/TenantName'
    post:
      operationId: suspendTenant
      summary: Suspend a tenant
      description: Operators only. The tenant's credentials answer 403 until it is resumed. No body.
      tags: [admin]
      responses:
        '200':
          description: The tenant, suspended.
          content:
            application/json:
              schema: {$ref: '#/components/schemas/TenantDetailEnvelope'}
        '401': {$ref: '#/components/responses/Unauthorized'}
        '403': {$ref: '#/components/responses/Forbidden'}
        '404': {$ref: '#/components/responses/NotFound'}
        '503': {$ref: '#/components/responses/ServiceUnavailable'}
  /admin/v1/tenants/{tenant}/resume:
    parameters:
      - $ref: '#/components/parameters/TenantName'
    post:
      operationId: resumeTenant
      summary: Resume a suspended tenant
      description: Operators only. No body.
      tags: [admin]
      responses:
        '200':
          description: The tenant, active.
          content:
            application/json:
              schema: {$ref: '#/components/schemas/TenantDetailEnvelope'}
        '401': {$ref: '#/components/responses/Unauthorized'}
        '403': {$ref: '#/components/responses/Forbidden'}
        '404': {$ref: '#/components/responses/NotFound'}
        '503': {$ref: '#/components/responses/ServiceUnavailable'}
  /admin/v1/tenants/{tenant}/users:
    parameters:
      - $ref: '#/components/parameters/TenantName'
    post:
      operationId: createUser
      summary: Create a user
      description: >-
        Operators, and tenant admins for their own tenant. The user's first API key (`api_key`)
        is returned once and never again.
      tags: [admin]
      parameters:
        - $ref: '#/components/parameters/Role'
      requestBody:
        required: true
        content:
          application/json:
            schema: {$ref: '#/components/schemas/CreateUserRequest'}
      responses:
        '201':
          description: The user and its first API key.
          content:
            application/json:
              schema: {$ref: '#/components/schemas/CreatedUser'}
        '400': {$ref: '#/components/responses/BadRequest'}
        '401': {$ref: '#/components/responses/Unauthorized'}
        '403': {$ref: '#/components/responses/Forbidden'}
        '404': {$ref: '#/components/responses/NotFound'}
        '409': {$ref: '#/components/responses/Conflict'}
        '413': {$ref: '#/components/responses/PayloadTooLarge'}
        '415': {$ref: '#/components/responses/UnsupportedMediaType'}
        '503': {$ref: '#/components/responses/ServiceUnavailable'}
    get:
      operationId: listUsers
      summary: List a tenant's users
      description: Operators, and tenant admins for their own tenant.
      tags: [admin]
      parameters:
        - $ref: '#/components/parameters/Role'
      responses:
        '200':
          description: The users.
          content:
            application/json:
              schema:
                type: object
                required: [users]
                properties:
                  users:
                    type: array
                    items: {$ref: '#/components/schemas/User'}
        '401': {$ref: '#/components/responses/Unauthorized'}
        '403': {$ref: '#/components/responses/Forbidden'}
        '404': {$ref: '#/components/responses/NotFound'}
        '503': {$ref: '#/components/responses/ServiceUnavailable'}
  /admin/v1/tenants/{tenant}/users/{username}:
    parameters:
      - $ref: '#/components/parameters/TenantName'
      - $ref: '#/components/parameters/Username'
    get:
      operationId: getUser
      summary: A user
      description: Operators, and tenant admins for their own tenant.
      tags: [admin]
      parameters:
        - $ref: '#/components/parameters/Role'
      responses:
        '200':
          description: The user.
          content:
            application/json:
              schema: {$ref: '#/components/schemas/UserEnvelope'}
        '401': {$ref: '#/components/responses/Unauthorized'}
        '403': {$ref: '#/components/responses/Forbidden'}
        '404': {$ref: '#/components/responses/NotFound'}
        '503': {$ref: '#/components/responses/ServiceUnavailable'}
  /admin/v1/tenants/{tenant}/users/{username}/disable:
    parameters:
      - $ref: '#/components/parameters/TenantName'
      - $ref: '#/components/parameters/Username'
    post:
      operationId: disableUser
      summary: Disable a user
      description: Its credentials stop working. Operators, and tenant admins for their own tenant. No body.
      tags: [admin]
      parameters:
        - $ref: '#/components/parameters/Role'
      responses:
        '200':
          description: The user, disabled.
          content:
            application/json:
              schema: {$ref: '#/components/schemas/UserEnvelope'}
        '401': {$ref: '#/components/responses/Unauthorized'}
        '403': {$ref: '#/components/responses/Forbidden'}
        '404': {$ref: '#/components/responses/NotFound'}
        '503': {$ref: '#/components/responses/ServiceUnavailable'}
  /admin/v1/tenants/{tenant}/users/{username}/enable:
    parameters:
      - $ref: '#/components/parameters/TenantName'
      - $ref: '#/components/parameters/Username'
    post:
      operationId: enableUser
      summary: Enable a user
      description: Operators, and tenant admins for their own tenant. No body.
      tags: [admin]
      parameters:
        - $ref: '#/components/parameters/Role'
      responses:
        '200':
          description: The user, active.
          content:
            application/json:
              schema: {$ref: '#/components/schemas/UserEnvelope'}
        '401': {$ref: '#/components/responses/Unauthorized'}
        '403': {$ref: '#/components/responses/Forbidden'}
        '404': {$ref: '#/components/responses/NotFound'}
        '503': {$ref: '#/components/responses/ServiceUnavailable'}
  /admin/v1/tenants/{tenant}/users/{username}/roles:
    parameters:
      - $ref: '#/components/parameters/TenantName'
      - $ref: '#/components/parameters/Username'
    post:
      operationId: grantRole
      summary: Grant a role
      description: >-
        The role must be defined by the active policy (400 otherwise); granting one already held
        changes nothing. Operators, and tenant admins for their own tenant.
      tags: [admin]
      parameters:
        - $ref: '#/components/parameters/Role'
      requestBody:
        required: true
        content:
          application/json:
            schema: {$ref: '#/components/schemas/GrantRoleRequest'}
      responses:
        '200':
          description: The user with the role.
          content:
            application/json:
              schema: {$ref: '#/components/schemas/UserEnvelope'}
        '400': {$ref: '#/components/responses/BadRequest'}
        '401': {$ref: '#/components/responses/Unauthorized'}
        '403': {$ref: '#/components/responses/Forbidden'}
        '404': {$ref: '#/components/responses/NotFound'}
        '413': {$ref: '#/components/responses/PayloadTooLarge'}
        '415': {$ref: '#/components/responses/UnsupportedMediaType'}
        '503': {$ref: '#/components/responses/ServiceUnavailable'}
  /admin/v1/tenants/{tenant}/users/{username}/roles/{role}:
    parameters:
      - $ref: '#/components/parameters/TenantName'
      - $ref: '#/components/parameters/Username'
      - name: role
        in: path
        required: true
        description: The role to revoke.
        schema: {type: string}
    delete:
      operationId: revokeRole
      summary: Revoke a role
      description: >-
        Operators, and tenant admins for their own tenant. A role the user does not hold answers
        404; revoking the user's only role answers 409.
      tags: [admin]
      parameters:
        - $ref: '#/components/parameters/Role'
      responses:
        '200':
          description: The user without the role.
          content:
            application/json:
              schema: {$ref: '#/components/schemas/UserEnvelope'}
        '401': {$ref: '#/components/responses/Unauthorized'}
        '403': {$ref: '#/components/responses/Forbidden'}
        '404': {$ref: '#/components/responses/NotFound'}
        '409': {$ref: '#/components/responses/Conflict'}
        '503': {$ref: '#/components/responses/ServiceUnavailable'}
  /admin/v1/tenants/{tenant}/users/{username}/password:
    parameters:
      - $ref: '#/components/parameters/TenantName'
      - $ref: '#/components/parameters/Username'
    post:
      operationId: resetPassword
      summary: Set a user's password
      description: Used with `POST /v1/auth/token`. Operators, and tenant admins for their own tenant.
      tags: [admin]
      parameters:
        - $ref: '#/components/parameters/Role'
      requestBody:
        required: true
        content:
          application/json:
            schema: {$ref: '#/components/schemas/ResetPasswordRequest'}
      responses:
        '204':
          description: Set.
        '400': {$ref: '#/components/responses/BadRequest'}
        '401': {$ref: '#/components/responses/Unauthorized'}
        '403': {$ref: '#/components/responses/Forbidden'}
        '404': {$ref: '#/components/responses/NotFound'}
        '413': {$ref: '#/components/responses/PayloadTooLarge'}
        '415': {$ref: '#/components/responses/UnsupportedMediaType'}
        '503': {$ref: '#/components/responses/ServiceUnavailable'}
  /admin/v1/tenants/{tenant}/users/{username}/keys:
    parameters:
      - $ref: '#/components/parameters/TenantName'
      - $ref: '#/components/parameters/Username'
    post:
      operationId: createUserAPIKey
      summary: Issue an API key for a user
      description: >-
        The secret (`api_key`) is returned once. `scopes` are recorded and returned, not
        enforced. Operators, and tenant admins for their own tenant.
      tags: [admin]
      parameters:
        - $ref: '#/components/parameters/Role'
      requestBody:
        required: true
        content:
          application/json:
            schema: {$ref: '#/components/schemas/CreateUserKeyRequest'}
      responses:
        '201':
          description: The key and its secret.
          content:
            application/json:
              schema: {$ref: '#/components/schemas/CreatedManagedKey'}
        '400': {$ref: '#/components/responses/BadRequest'}
        '401': {$ref: '#/components/responses/Unauthorized'}
        '403': {$ref: '#/components/responses/Forbidden'}
        '404': {$ref: '#/components/responses/NotFound'}
        '413': {$ref: '#/components/responses/PayloadTooLarge'}
        '415': {$ref: '#/components/responses/UnsupportedMediaType'}
        '503': {$ref: '#/components/responses/ServiceUnavailable'}
    get:
      operationId: listUserAPIKeys
      summary: List a user's API keys
      description: Never their secrets. Operators, and tenant admins for their own tenant.
      tags: [admin]
      parameters:
        - $ref: '#/components/parameters/Role'
      responses:
        '200':
          description: The keys.
          content:
            application/json:
              schema:
                type: object
                required: [keys]
                properties:
                  keys:
                    type: array
                    items: {$ref: '#/components/schemas/ManagedKey'}
        '401': {$ref: '#/components/responses/Unauthorized'}
        '403': {$ref: '#/components/responses/Forbidden'}
        '404': {$ref: '#/components/responses/NotFound'}
        '503': {$ref: '#/components/responses/ServiceUnavailable'}
  /admin/v1/tenants/{tenant}/users/{username}/keys/{id}:
    parameters:
      - $ref: '#/components/parameters/TenantName'
      - $ref: '#/components/parameters/Username'
      - $ref: '#/components/parameters/KeyId'
    delete:
      operationId: revokeUserAPIKey
      summary: Revoke a user's API key
      description: Operators, and tenant admins for their own tenant.
      tags: [admin]
      parameters:
        - $ref: '#/components/parameters/Role'
      responses:
        '204':
          description: Revoked.
        '401': {$ref: '#/components/responses/Unauthorized'}
        '403': {$ref: '#/components/responses/Forbidden'}
        '404': {$ref: '#/components/responses/NotFound'}
        '503': {$ref: '#/components/responses/ServiceUnavailable'}
  /admin/v1/keys/{id}:
    parameters:
      - $ref: '#/components/parameters/KeyId'
    delete:
      operationId: revokeManagedAPIKey
      summary: Revoke any API key by id
      description: Operators revoke any key; tenant admins the keys of their own tenant (another tenant's key answers 404).
      tags: [admin]
      parameters:
        - $ref: '#/components/parameters/Role'
      responses:
        '204':
          description: Revoked.
        '401': {$ref: '#/components/responses/Unauthorized'}
        '403': {$ref: '#/components/responses/Forbidden'}
        '404': {$ref: '#/components/responses/NotFound'}
        '503': {$ref: '#/components/responses/ServiceUnavailable'}
  /admin/v1/roles:
    get:
      operationId: listRoles
      summary: The roles of the loaded policy
      description: Any authenticated identity.
      tags: [admin]
      responses:
        '200':
          description: The roles.
          content:
            application/json:
              schema:
                type: object
                required: [roles]
                properties:
                  roles:
                    type: array
                    items: {$ref: '#/components/schemas/RoleDefinition'}
        '401': {$ref: '#/components/responses/Unauthorized'}
        '503': {$ref: '#/components/responses/ServiceUnavailable'}
  /admin/v1/policy:
    get:
      operationId: getPolicy
      summary: The policy files
      description: The policy directory's YAML files as they are now, and the hash of the loaded policy. Operators, or a role with `policy.manage`.
      tags: [admin]
      parameters:
        - $ref: '#/components/parameters/Role'
      responses:
        '200':
          description: The policy.
          content:
            application/json:
              schema: {$ref: '#/components/schemas/Policy'}
        '401': {$ref: '#/components/responses/Unauthorized'}
        '403': {$ref: '#/components/responses/Forbidden'}
        '503': {$ref: '#/components/responses/ServiceUnavailable'}
    put:
      operationId: applyPolicy
      summary: Apply a new policy
      description: >-
        A complete policy directory, file by file, validated and applied without a restart
        (invalid files answer 400 naming file, line and column). Operators only: one policy
        governs every tenant. Audited.
      tags: [admin]
      requestBody:
        required: true
        content:
          application/json:
            schema: {$ref: '#/components/schemas/ApplyPolicyRequest'}
      responses:
        '200':
          description: The new and previous policy hashes.
          content:
            application/json:
              schema: {$ref: '#/components/schemas/AppliedPolicy'}
        '400': {$ref: '#/components/responses/BadRequest'}
        '401': {$ref: '#/components/responses/Unauthorized'}
        '403': {$ref: '#/components/responses/Forbidden'}
        '413': {$ref: '#/components/responses/PayloadTooLarge'}
        '415': {$ref: '#/components/responses/UnsupportedMediaType'}
        '503': {$ref: '#/components/responses/ServiceUnavailable'}
  /admin/v1/status:
    get:
      operationId: getGatewayStatus
      summary: Gateway status
      description: Version, policy hash, readiness; the tenant count for operators (null for tenant users). Any authenticated identity.
      tags: [operations]
      responses:
        '200':
          description: The status.
          content:
            application/json:
              schema: {$ref: '#/components/schemas/GatewayStatus'}
        '401': {$ref: '#/components/responses/Unauthorized'}
        '503': {$ref: '#/components/responses/ServiceUnavailable'}
  /admin/v1/audit/export:
    get:
      operationId: exportAuditTrail
      summary: Export the audit trail
      description: >-
        The hash-chained, signed audit trail as JSON lines (`memos-audit/1`: a signed header,
        records and checkpoints; verifiable offline, see `audit/VERIFY.md`). Operators read the
        platform chain, or a tenant's with `tenant`; a tenant user with `audit.read` reads its
        own tenant's chain (`tenant` is ignored).
      tags: [operations]
      parameters:
        - $ref: '#/components/parameters/Role'
        - name: tenant
          in: query
          description: Operators only, a tenant id; absent exports the platform chain.
          schema: {type: string, format: uuid}
        - name: from
          in: query
          description: Start of the window (RFC 3339).
          schema: {type: string, format: date-time}
        - name: to
          in: query
          description: End of the window (RFC 3339).
          schema: {type: string, format: date-time}
      responses:
        '200':
          description: The export, streamed.
          content:
            application/x-ndjson:
              schema:
                type: string
                description: One canonical JSON object per line (schemas in `audit/export.schema.json`, `record.schema.json`, `checkpoint.schema.json`).
        '400': {$ref: '#/components/responses/BadRequest'}
        '401': {$ref: '#/components/responses/Unauthorized'}
        '403': {$ref: '#/components/responses/Forbidden'}
        '503': {$ref: '#/components/responses/ServiceUnavailable'}
  /admin/v1/audit/public-key:
    get:
      operationId: getAuditPublicKey
      summary: The audit signing key
      description: The Ed25519 public key that signs checkpoints, exports and erasure receipts. Any authenticated identity.
      tags: [operations]
      responses:
        '200':
          description: The key.
          content:
            application/json:
              schema: {$ref: '#/components/schemas/AuditPublicKey'}
        '401': {$ref: '#/components/responses/Unauthorized'}
        '503': {$ref: '#/components/responses/ServiceUnavailable'}
  /admin/v1/keys/rotate:
    post:
      operationId: rotateMasterKey
      summary: Rotate the master key
      description: Operators only. A new master key; every data key is rewrapped under it, without downtime. No body.
      tags: [operations]
      responses:
        '200':
          description: The rotation.
          content:
            application/json:
              schema: {$ref: '#/components/schemas/KeyRotation'}
        '401': {$ref: '#/components/responses/Unauthorized'}
        '403': {$ref: '#/components/responses/Forbidden'}
        '503': {$ref: '#/components/responses/ServiceUnavailable'}
  /admin/v1/watermark/trace:
    post:
      operationId: traceWatermark
      summary: Trace leaked text to its recipients
      description: >-
        Decodes the invisible watermark of a leaked excerpt (about 100 characters suffice), or
        matches keyed fingerprints when the marks were stripped, against the audit trail.
        Operators search every tenant; a tenant user with `audit.read` its own. 404 when nothing
        in the text leads to a recipient; 503 when the gateway runs without an audit trail.
      tags: [operations]
      parameters:
        - $ref: '#/components/parameters/Role'
      requestBody:
        required: true
        content:
          application/json:
            schema: {$ref: '#/components/schemas/TraceRequest'}
      responses:
        '200':
          description: The recipients, most likely first.
          content:
            application/json:
              schema: {$ref: '#/components/schemas/WatermarkTrace'}
        '400': {$ref: '#/components/responses/BadRequest'}
        '401': {$ref: '#/components/responses/Unauthorized'}
        '403': {$ref: '#/components/responses/Forbidden'}
        '404': {$ref: '#/components/responses/NotFound'}
        '413': {$ref: '#/components/responses/PayloadTooLarge'}
        '415': {$ref: '#/components/responses/UnsupportedMediaType'}
        '503': {$ref: '#/components/responses/ServiceUnavailable'}
components:
  securitySchemes:
    bearer:
      type: http
      scheme: bearer
      description: >-
        `Authorization: Bearer <credential>`: an API key (`mgk_...`, issued by an administrator or
        by `POST /v1/keys`) or a short-lived session token (`mgt_...`) from `POST /v1/auth/token`.
        The credential alone decides the tenant and the user (or platform operator).
  parameters:
    Role:
      name: X-MemOS-Role
      in: header
      required: false
      description: >-
        The role this request acts as, one of the roles the user holds; absent means the user's
        default role. A role the user does not hold, or one the active policy does not define,
        answers 403. The role's permissions, subspace grants and clearance decide what the
        request may read and do. Ignored for platform operators.
      schema: {type: string, examples: [member]}
    Limit:
      name: limit
      in: query
      description: Page size.
      schema: {type: integer, minimum: 1, maximum: 1000, default: 50}
    Cursor:
      name: cursor
      in: query
      description: The `next_cursor` of the previous page.
      schema: {type: string}
    AllVersions:
      name: all_versions
      in: query
      description: Every version rather than the latest of each artifact.
      schema: {type: boolean, default: false}
    MemoryId:
      name: id
      in: path
      required: true
      description: A memory id. A malformed id answers 404, like an unknown one.
      schema: {type: string, format: uuid}
    TaskId:
      name: id
      in: path
      required: true
      description: A task id.
      schema: {type: string, format: uuid}
    CubeRef:
      name: id
      in: path
      required: true
      description: A cube id or name (percent-encoded), as everywhere a cube is named.
      schema: {type: string}
    Subject:
      name: subject
      in: path
      required: true
      description: The data subject (percent-encoded), by default a username.
      schema: {type: string}
    ArtifactId:
      name: id
      in: path
      required: true
      description: An artifact version's id.
      schema: {type: string, format: uuid}
    OfferingId:
      name: id
      in: path
      required: true
      description: An offering id.
      schema: {type: string, format: uuid}
    SubscriptionId:
      name: id
      in: path
      required: true
      description: A subscription id.
      schema: {type: string, format: uuid}
    KeyId:
      name: id
      in: path
      required: true
      description: An API key's id (the public part of the key, never its secret).
      schema: {type: string}
    TenantName:
      name: tenant
      in: path
      required: true
      description: A tenant's name. A tenant user naming another tenant gets 404, as for a missing tenant.
      schema: {type: string}
    Username:
      name: username
      in: path
      required: true
      description: A username in that tenant.
      schema: {type: string}
  headers:
    RequestID:
      description: The request's id, also in the problem's `request_id` and in the logs and audit trail.
      schema: {type: string, format: uuid}
  responses:
    BadRequest:
      description: >-
        Invalid input: malformed JSON (`malformed-json`), an unknown field (`unknown-field`), a
        field choosing the tenant or owner (`owner-field`), or a missing or invalid value
        (`invalid-input`). The detail names the field, like `memories[2].sources[0].chat_time`.
      headers:
        X-Request-ID: {$ref: '#/components/headers/RequestID'}
      content:
        application/problem+json:
          schema: {$ref: '#/components/schemas/Problem'}
          example:
            type: urn:memos:problem:unknown-field
            title: Bad Request
            status: 400
            detail: unknown field 'txt'
            instance: /v1/memories
            request_id: 0d9c2f4e-8a41-4c59-9b1e-2f3a4b5c6d7e
    Unauthorized:
      description: No credential, or one that is malformed, unknown, expired or revoked (`unauthenticated`).
      headers:
        X-Request-ID: {$ref: '#/components/headers/RequestID'}
      content:
        application/problem+json:
          schema: {$ref: '#/components/schemas/Problem'}
          example:
            type: urn:memos:problem:unauthenticated
            title: Unauthorized
            status: 401
            detail: "missing credential: send 'Authorization: Bearer <api key or session token>'"
            instance: /v1/memories
            request_id: 0d9c2f4e-8a41-4c59-9b1e-2f3a4b5c6d7e
    Forbidden:
      description: >-
        The credential is valid but may not do this (`forbidden`): the acting role lacks the
        permission or subspace grant, the user does not hold the role in `X-MemOS-Role`, a
        platform operator called a tenant memory endpoint, a tenant user called an operator-only
        endpoint, or the tenant is suspended.
      headers:
        X-Request-ID: {$ref: '#/components/headers/RequestID'}
      content:
        application/problem+json:
          schema: {$ref: '#/components/schemas/Problem'}
    NotFound:
      description: >-
        No such resource, or one the caller may not see (`not-found`): another tenant's resource
        or a memory above the acting role's clearance answers exactly like a missing one, never
        403.
      headers:
        X-Request-ID: {$ref: '#/components/headers/RequestID'}
      content:
        application/problem+json:
          schema: {$ref: '#/components/schemas/Problem'}
    Conflict:
      description: >-
        The request clashes with existing state (`conflict`): a duplicate name, an illegal
        lifecycle transition, an ambiguous cube name, a concurrent change.
      headers:
        X-Request-ID: {$ref: '#/components/headers/RequestID'}
      content:
        application/problem+json:
          schema: {$ref: '#/components/schemas/Problem'}
    PayloadTooLarge:
      description: >-
        The body exceeds its limit (`body-too-large`): 8 MiB for JSON, 256 MiB for cube imports,
        512 MiB for artifact content by default. Nothing was stored.
      headers:
        X-Request-ID: {$ref: '#/components/headers/RequestID'}
      content:
        application/problem+json:
          schema: {$ref: '#/components/schemas/Problem'}
    UnsupportedMediaType:
      description: A Content-Type other than `application/json` (`unsupported-media-type`).
      headers:
        X-Request-ID: {$ref: '#/components/headers/RequestID'}
      content:
        application/problem+json:
          schema: {$ref: '#/components/schemas/Problem'}
    IntegrityError:
      description: >-
        Stored data failed its integrity check (`integrity-error`), for example a ciphertext
        moved to another row or an edited label. Audited; the data is never served.
      headers:
        X-Request-ID: {$ref: '#/components/headers/RequestID'}
      content:
        application/problem+json:
          schema: {$ref: '#/components/schemas/Problem'}
    BadGateway:
      description: The model backend (chat, fine-mode reading, embeddings or reranker) failed (`model-backend`).
      headers:
        X-Request-ID: {$ref: '#/components/headers/RequestID'}
      content:
        application/problem+json:
          schema: {$ref: '#/components/schemas/Problem'}
    ServiceUnavailable:
      description: >-
        A dependency is unavailable and nothing was changed (`unavailable`): the store, the audit
        trail (audit is fail-closed), or a feature that is not configured (no chat model, no
        audit trail).
      headers:
        X-Request-ID: {$ref: '#/components/headers/RequestID'}
      content:
        application/problem+json:
          schema: {$ref: '#/components/schemas/Problem'}
    ProductChatStream:
      description: >-
        MemOS's chat stream: `data:` lines of JSON without event names (ProductStreamEvent):
        `reference`, then `text` pieces (watermarks included), then `end`, or `error`.
      content:
        text/event-stream:
          schema:
            type: string
            description: Server-sent events whose data are ProductStreamEvent objects.
          example: |
            data: {"data":[],"type":"reference"}

            data: {"data":"Miso","type":"text"}

            data: {"data":{"label":"internal","session_id":"s-42","written":[]},"type":"end"}
  schemas:
    Problem:
      type: object
      description: >-
        An RFC 9457 problem document, what every error response carries. Extension member:
        `request_id`.
      required: [type, title, status, detail]
      properties:
        type:
          type: string
          description: >-
            `urn:memos:problem:<slug>`, the slug one of invalid-input, malformed-json,
            unknown-field, owner-field, body-too-large, unsupported-media-type, unauthenticated,
            forbidden, not-found, method-not-allowed, conflict, unavailable, model-backend,
            integrity-error, bad-request, internal.
          pattern: '^urn:memos:problem:[a-z-]+$'
          examples: ['urn:memos:problem:not-found']
        title:
          type: string
          description: The HTTP reason phrase of the status.
          examples: [Not Found]
        status:
          type: integer
          description: The HTTP status code.
          examples: [404]
        detail:
          type: string
          description: What went wrong, naming the field where there is one.
        instance:
          type: string
          description: The request path.
        request_id:
          type: string
          description: The request's id, also in the X-Request-ID header.
    HealthStatus:
      type: object
      required: [status]
      properties:
        status:
          type: string
          enum: [ok, ready]
        policy_hash:
          type: string
          description: SHA-256 of the active policy directory (readiness only).
    Label:
      type: string
      description: >-
        A sensitivity label of the policy's scale (`labels.yaml`), by default
        public < internal < confidential < restricted.
      examples: [internal]
    MemoryType:
      type: string
      enum: [WorkingMemory, LongTermMemory, UserMemory, PreferenceMemory, DocumentChunk]
    MemoryState:
      type: string
      description: >-
        Lifecycle state. Search covers generated, activated and frozen unless `filters.states`
        says otherwise.
      enum: [generated, activated, merged, archived, frozen, deleted]
    MemoryRelation:
      type: string
      enum: [summarizes, merged_into, follows, same_entity, contradicts, refined_from]
    Tags:
      type: array
      maxItems: 64
      items: {type: string, minLength: 1, maxLength: 128}
    Info:
      type: object
      description: Free-form JSON metadata.
      additionalProperties: true
    Source:
      type: object
      description: Provenance of a memory, a message or document it came from.
      additionalProperties: false
      properties:
        message_id: {type: string}
        role: {type: string}
        speaker: {type: string}
        chat_time: {type: string, format: date-time}
        content: {type: string}
        document_id: {type: string}
    MemoryItem:
      type: object
      description: >-
        A memory as the caller may read it: text redacted for the acting role and watermarked
        where the label requires. Optional fields are absent when empty.
      required: [id, cube, cube_name, subspace, text, tags, memory_type, state, version, sources, info, created_at, updated_at, label, subject]
      properties:
        id: {type: string, format: uuid}
        cube: {type: string, format: uuid, description: 'The cube''s id.'}
        cube_name: {type: string}
        subspace:
          type: string
          description: The cube's subspace as shown to the caller (persona, persona:<role>, team/<name>, tenant).
        text: {type: string}
        key: {type: string, description: 'A key; a new value for an existing key supersedes the old memory.'}
        tags: {$ref: '#/components/schemas/Tags'}
        memory_type: {$ref: '#/components/schemas/MemoryType'}
        state: {$ref: '#/components/schemas/MemoryState'}
        version: {type: integer, minimum: 1}
        sources:
          type: array
          items: {$ref: '#/components/schemas/Source'}
        background: {type: string}
        confidence: {type: number, minimum: 0, maximum: 1}
        info: {$ref: '#/components/schemas/Info'}
        created_at: {type: string, format: date-time}
        updated_at: {type: string, format: date-time}
        label: {$ref: '#/components/schemas/Label'}
        subject:
          type: string
          description: The data subject the memory is about (the writer's username unless named).
    MemoryEnvelope:
      type: object
      required: [memory]
      properties:
        memory: {$ref: '#/components/schemas/MemoryItem'}
    MemoryPage:
      type: object
      required: [memories]
      properties:
        memories:
          type: array
          items: {$ref: '#/components/schemas/MemoryItem'}
        next_cursor:
          type: string
          description: Present when more pages follow.
        refinement:
          $ref: '#/components/schemas/RefinementTask'
          description: The background refinement an `async` add queued.
    MemoryItemInput:
      type: object
      description: One memory of a batch, MemoryItem-shaped minus what the server assigns.
      additionalProperties: false
      required: [text]
      properties:
        text: {type: string, minLength: 1}
        key: {type: string}
        tags: {$ref: '#/components/schemas/Tags'}
        memory_type: {$ref: '#/components/schemas/MemoryType'}
        sources:
          type: array
          items: {$ref: '#/components/schemas/Source'}
        background: {type: string}
        confidence: {type: number, minimum: 0, maximum: 1}
        info: {$ref: '#/components/schemas/Info'}
    MessageInput:
      type: object
      description: One conversation turn for the MemReader.
      additionalProperties: false
      required: [role, content]
      properties:
        role: {type: string, minLength: 1}
        content: {type: string, minLength: 1}
        speaker: {type: string}
        chat_time: {type: string, format: date-time}
        message_id: {type: string}
    DocumentInput:
      type: object
      additionalProperties: false
      required: [text]
      properties:
        text: {type: string, minLength: 1}
        title: {type: string}
        document_id: {type: string}
    AddMemoriesRequest:
      type: object
      description: >-
        Exactly one of `text`, `memories`, `messages` and `document`. `memory_type`, `tags` and
        `info` apply to every memory of the call (a batch item's own values win); `key` and
        `sources` go with `text` only; `mode` and `async` with `messages` only.
      additionalProperties: false
      oneOf:
        - required: [text]
        - required: [memories]
        - required: [messages]
        - required: [document]
      properties:
        text: {type: string, minLength: 1}
        memories:
          type: array
          minItems: 1
          maxItems: 1000
          items: {$ref: '#/components/schemas/MemoryItemInput'}
        messages:
          type: array
          minItems: 1
          items: {$ref: '#/components/schemas/MessageInput'}
        document: {$ref: '#/components/schemas/DocumentInput'}
        cube: {type: string, description: 'A cube id or name; absent is the acting persona''s default cube.'}
        memory_type:
          $ref: '#/components/schemas/MemoryType'
          description: Default LongTermMemory; not with `document` (chunks are DocumentChunk).
        tags: {$ref: '#/components/schemas/Tags'}
        info: {$ref: '#/components/schemas/Info'}
        key: {type: string}
        sources:
          type: array
          items: {$ref: '#/components/schemas/Source'}
        mode:
          type: string
          enum: [fast, fine]
          default: fast
          description: fast windows of messages, or fine model-extracted facts (needs a model).
        async:
          type: boolean
          default: false
          description: Store fast now and refine in the background (not with mode fine).
        label:
          $ref: '#/components/schemas/Label'
          description: The label asked for (default internal, never above the writer's clearance).
        subject:
          type: string
          minLength: 1
          description: The data subject, when not the writer (needs `subjects.name`).
    SearchFilters:
      type: object
      description: Every field optional, every field narrowing.
      additionalProperties: false
      properties:
        memory_types:
          type: array
          items: {$ref: '#/components/schemas/MemoryType'}
        tags:
          type: array
          items: {type: string}
        states:
          type: array
          items: {$ref: '#/components/schemas/MemoryState'}
        created_after: {type: string, format: date-time}
        created_before: {type: string, format: date-time}
        info:
          type: object
          description: Exact matches on `info` values.
          additionalProperties: {type: string}
    SearchRequest:
      type: object
      additionalProperties: false
      required: [query]
      properties:
        query: {type: string, minLength: 1}
        top_k: {type: integer, minimum: 1, maximum: 1000, default: 10}
        cubes:
          type: array
          description: Cube ids or names; absent searches every cube the role may read.
          items: {type: string}
        filters: {$ref: '#/components/schemas/SearchFilters'}
        rerank: {type: boolean, default: true, description: 'Whether a configured reranker re-scores the results.'}
        session_id: {type: string, description: 'The conversation this search belongs to, for the MemScheduler.'}
    SearchResult:
      type: object
      required: [memory, score]
      properties:
        memory: {$ref: '#/components/schemas/MemoryItem'}
        score: {type: number}
    SearchResponse:
      type: object
      required: [results]
      properties:
        results:
          type: array
          items: {$ref: '#/components/schemas/SearchResult'}
        session_id: {type: string, description: 'With `session_id` in the request.'}
        preload_hit:
          type: boolean
          description: With `session_id`, whether the session's preloaded memories answered.
    PatchMemoryRequest:
      type: object
      description: Absent fields stay; null clears an optional field.
      additionalProperties: false
      properties:
        text: {type: string, minLength: 1}
        key: {type: [string, 'null']}
        tags: {$ref: '#/components/schemas/Tags'}
        memory_type: {$ref: '#/components/schemas/MemoryType'}
        background: {type: [string, 'null']}
        confidence: {type: [number, 'null'], minimum: 0, maximum: 1}
        info: {$ref: '#/components/schemas/Info'}
        label: {$ref: '#/components/schemas/Label'}
        justification:
          type: string
          description: Why a label is lowered; only together with `label`.
    MemoryVersion:
      type: object
      required: [version, state, text, tags, memory_type, sources, info, recorded_at, label, subject]
      properties:
        version: {type: integer, minimum: 1}
        state: {$ref: '#/components/schemas/MemoryState'}
        text: {type: string}
        key: {type: string}
        tags: {$ref: '#/components/schemas/Tags'}
        memory_type: {$ref: '#/components/schemas/MemoryType'}
        sources:
          type: array
          items: {$ref: '#/components/schemas/Source'}
        background: {type: string}
        confidence: {type: number}
        info: {$ref: '#/components/schemas/Info'}
        recorded_at: {type: string, format: date-time}
        label: {$ref: '#/components/schemas/Label'}
        subject: {type: string}
    MemoryHistory:
      type: object
      required: [id, versions]
      properties:
        id: {type: string, format: uuid}
        versions:
          type: array
          items: {$ref: '#/components/schemas/MemoryVersion'}
    RollbackRequest:
      type: object
      additionalProperties: false
      required: [version]
      properties:
        version: {type: integer, minimum: 1}
    TransitionRequest:
      type: object
      additionalProperties: false
      required: [to]
      properties:
        to: {$ref: '#/components/schemas/MemoryState'}
    LinkRequest:
      type: object
      additionalProperties: false
      required: [to, relation]
      properties:
        to: {type: string, format: uuid, description: 'The other memory.'}
        relation: {$ref: '#/components/schemas/MemoryRelation'}
    RelatedMemory:
      type: object
      required: [relation, direction, memory, created_at]
      properties:
        relation: {$ref: '#/components/schemas/MemoryRelation'}
        direction: {type: string, enum: [outgoing, incoming]}
        memory: {$ref: '#/components/schemas/MemoryItem'}
        created_at: {type: string, format: date-time}
    RelatedMemories:
      type: object
      required: [related]
      properties:
        related:
          type: array
          items: {$ref: '#/components/schemas/RelatedMemory'}
    MemoryUsage:
      type: object
      required: [id, retrievals, by]
      properties:
        id: {type: string, format: uuid}
        retrievals: {type: integer, minimum: 0}
        last_retrieved_at: {type: string, format: date-time}
        by:
          type: array
          items:
            type: object
            required: [user_id, role, count, last_retrieved_at]
            properties:
              user_id: {type: string, format: uuid}
              role: {type: string}
              count: {type: integer}
              last_retrieved_at: {type: string, format: date-time}
    RefinementTask:
      type: object
      required: [id, kind, status, attempts, created_memories, created_at]
      properties:
        id: {type: string, format: uuid}
        kind: {const: refine}
        status: {type: string, enum: [queued, running, succeeded, failed]}
        attempts: {type: integer}
        created_memories:
          type: array
          items: {type: string, format: uuid}
        error: {type: string, description: 'Why it failed; never memory text.'}
        created_at: {type: string, format: date-time}
        finished_at: {type: string, format: date-time}
    Cube:
      type: object
      required: [id, name, subspace, created_at, shared]
      properties:
        id: {type: string, format: uuid}
        name: {type: string}
        subspace: {type: string, description: 'persona, persona:<role>, team/<name>, tenant, or persona/<user-id>/<role> for a shared persona.'}
        created_at: {type: string, format: date-time}
        shared: {type: boolean, description: 'True when the caller reaches the cube through a share.'}
    CubeEnvelope:
      type: object
      required: [cube]
      properties:
        cube: {$ref: '#/components/schemas/Cube'}
    CreateCubeRequest:
      type: object
      additionalProperties: false
      required: [name]
      properties:
        name: {type: string, minLength: 1}
        subspace:
          type: string
          description: persona (default), team/<name> or tenant.
          default: persona
    CubeShare:
      type: object
      required: [id, cube, user, role, access, created_at, created_by]
      properties:
        id: {type: string, format: uuid}
        cube: {type: string, format: uuid}
        user: {type: [string, 'null']}
        role: {type: [string, 'null']}
        access:
          type: array
          items: {type: string, enum: [read, write]}
        created_at: {type: string, format: date-time}
        created_by: {type: [string, 'null']}
    ShareCubeRequest:
      type: object
      description: A user (username in the caller's tenant), a role, or both.
      additionalProperties: false
      anyOf:
        - required: [user]
        - required: [role]
      properties:
        user: {type: string, minLength: 1}
        role: {type: string, minLength: 1}
        access:
          type: array
          description: Default read.
          items: {type: string, enum: [read, write]}
    ExportCubeRequest:
      type: object
      additionalProperties: false
      required: [passphrase]
      properties:
        passphrase: {type: string, minLength: 12, description: 'At least 12 characters, at most 1024 bytes.'}
        include_embeddings: {type: boolean, default: false}
        include_history: {type: boolean, default: false}
    CubeArchive:
      type: object
      description: A `memos-cube-archive/1` file (format in docs/CUBE-ARCHIVE.md), written with sorted keys.
      additionalProperties: false
      required: [format, manifest, kdf, key_check, cipher, nonce, ciphertext]
      properties:
        format: {const: memos-cube-archive/1}
        manifest: {$ref: '#/components/schemas/CubeArchiveManifest'}
        kdf: {$ref: '#/components/schemas/CubeArchiveKDF'}
        key_check: {type: string, contentEncoding: base64, description: 'Proves a passphrase right or wrong before decryption.'}
        cipher: {const: AES-256-GCM}
        nonce: {type: string, contentEncoding: base64}
        ciphertext: {type: string, contentEncoding: base64, description: 'The AES-GCM ciphertext followed by its 16-byte tag.'}
    CubeArchiveManifest:
      type: object
      description: What the archive holds, readable without the passphrase and authenticated by it.
      additionalProperties: false
      required: [format_version, cube, subspace_kind, created_at, exporter_tenant, memories, edges, versions, withheld, memory_types, labels, states, includes_embeddings, includes_history, plaintext_sha256]
      properties:
        format_version: {const: 1}
        cube: {type: string}
        subspace_kind: {type: string, enum: [persona, team, tenant]}
        created_at: {type: string}
        exporter_tenant: {type: string}
        memories: {type: integer}
        edges: {type: integer}
        versions: {type: integer}
        withheld: {type: integer, description: 'Memories left out because the exporter may not read them.'}
        memory_types:
          type: object
          additionalProperties: {type: integer}
        labels:
          type: object
          additionalProperties: {type: integer}
        states:
          type: object
          additionalProperties: {type: integer}
        includes_embeddings: {type: boolean}
        includes_history: {type: boolean}
        plaintext_sha256: {type: string}
    CubeArchiveKDF:
      type: object
      additionalProperties: false
      required: [algorithm, version, iterations, memory_kib, parallelism, salt]
      properties:
        algorithm: {const: argon2id}
        version: {const: 19}
        iterations: {type: integer, maximum: 16}
        memory_kib: {type: integer, minimum: 8192, maximum: 262144}
        parallelism: {type: integer, maximum: 16}
        salt: {type: string, contentEncoding: base64}
    ImportCubeRequest:
      type: object
      additionalProperties: false
      required: [archive, passphrase, name]
      properties:
        archive:
          description: The archive object the export returned, or that file base64-encoded.
          oneOf:
            - $ref: '#/components/schemas/CubeArchive'
            - {type: string, contentEncoding: base64}
        passphrase: {type: string}
        name: {type: string, minLength: 1, description: 'The new cube''s name.'}
        subspace: {type: string, description: 'persona (default), team/<name> or tenant.'}
    CubeImportResult:
      type: object
      required: [cube, imported, archive, ids]
      properties:
        cube: {$ref: '#/components/schemas/Cube'}
        imported:
          type: object
          required: [memories, edges, versions, embeddings_reused, embeddings_computed]
          properties:
            memories: {type: integer}
            edges: {type: integer}
            versions: {type: integer}
            embeddings_reused: {type: integer}
            embeddings_computed: {type: integer}
        archive: {type: string, description: 'SHA-256 of the archive''s authenticated header, recorded in each memory''s provenance.'}
        ids:
          type: object
          description: New memory id by the id it had in the archive.
          additionalProperties: {type: string, format: uuid}
    SubjectExport:
      type: object
      required: [format, subject, tenant, exported_at, memories, derived, withheld]
      properties:
        format: {const: memos-subject-export/1}
        subject: {type: string}
        tenant: {type: string, format: uuid}
        exported_at: {type: string, format: date-time}
        memories:
          type: array
          items:
            type: object
            required: [memory, versions, edges, usage]
            properties:
              memory: {$ref: '#/components/schemas/MemoryItem'}
              versions:
                type: array
                items: {$ref: '#/components/schemas/MemoryVersion'}
              edges:
                type: array
                items:
                  type: object
                  required: [id, from, to, relation, created_at]
                  properties:
                    id: {type: string, format: uuid}
                    from: {type: string, format: uuid}
                    to: {type: string, format: uuid}
                    relation: {type: string}
                    created_at: {type: string, format: date-time}
              usage: {$ref: '#/components/schemas/MemoryUsage'}
        derived:
          type: array
          description: Items derived from the subject (adapters, KV snapshots), described and never their content.
          items:
            type: object
            required: [store, id, kind, version, label, created_at, derived_from_memories, names_subject, flags]
            properties:
              store: {type: string}
              id: {type: string, format: uuid}
              kind: {type: string}
              name: {type: string}
              version: {type: integer}
              label: {$ref: '#/components/schemas/Label'}
              created_at: {type: string, format: date-time}
              derived_from_memories:
                type: array
                items: {type: string, format: uuid}
              names_subject: {type: boolean}
              flags:
                type: array
                items: {type: string}
        withheld:
          type: integer
          description: Items above the exporter's clearance, counted and never shown.
    EraseSubjectRequest:
      type: object
      additionalProperties: false
      properties:
        reason: {type: string, maxLength: 500}
    ErasureReceipt:
      type: object
      description: >-
        Proof of an erasure, signed with the gateway's Ed25519 key over the canonical JSON
        (sorted keys, no whitespace) of the receipt without `signature`, so it can be checked
        offline. Names nobody: the subject appears as a keyed hash.
      required: [format, receipt_id, tenant, subject_hash, requested_by, role, request_id, reason, erased_at, erased, index_entries, embeddings, data_keys_destroyed, stores, policy_hash, key_id, public_key, signature]
      properties:
        format: {const: memos-erasure-receipt/1}
        receipt_id: {type: string}
        tenant: {type: string}
        subject_hash: {type: string, description: 'The subject''s keyed hash (tenant:<id> for a tenant deletion).'}
        requested_by: {type: string}
        role: {type: string}
        request_id: {type: string}
        reason: {type: string}
        erased_at: {type: string, format: date-time}
        erased:
          type: object
          required: [memories, versions, edges, usage_records]
          properties:
            memories: {type: integer}
            versions: {type: integer}
            edges: {type: integer}
            usage_records: {type: integer}
        index_entries: {type: integer}
        embeddings: {type: integer}
        data_keys_destroyed: {type: integer}
        stores:
          type: array
          items:
            type: object
            required: [store, method]
            properties:
              store: {type: string}
              method: {type: string}
        derived:
          type: array
          description: Derived data (activation prefixes, artifacts, MemStore) removed or flagged; absent when none.
          items:
            type: object
            required: [store, method, erased, flagged]
            properties:
              store: {type: string}
              method: {type: string}
              erased: {type: integer}
              flagged:
                type: array
                items:
                  type: object
                  required: [id, reason]
                  properties:
                    id: {type: string}
                    reason: {type: string}
        audit_checkpoint:
          type: object
          description: The audit checkpoint the erasure is anchored to.
          required: [seq, hash]
          properties:
            seq: {type: integer}
            hash: {type: string}
        policy_hash: {type: string}
        key_id: {type: string}
        public_key: {type: string, contentEncoding: base64}
        signature: {type: string, contentEncoding: base64}
    ReceiptEnvelope:
      type: object
      required: [receipt]
      properties:
        receipt: {$ref: '#/components/schemas/ErasureReceipt'}
    SchedulerTask:
      type: object
      description: One scheduler task; never memory text.
      required: [id, kind, state, attempts, max_attempts, enqueued_at, result]
      properties:
        id: {type: string, format: uuid}
        kind: {$ref: '#/components/schemas/SchedulerTaskKind'}
        state: {type: string, enum: [queued, running, succeeded, failed]}
        attempts: {type: integer}
        max_attempts: {type: integer}
        last_error: {type: string}
        enqueued_at: {type: string, format: date-time}
        started_at: {type: string, format: date-time}
        finished_at: {type: string, format: date-time}
        run_ms: {type: number, description: 'Run time in milliseconds.'}
        progress:
          type: object
          required: [completed, total]
          properties:
            completed: {type: integer}
            total: {type: integer}
        result:
          type: object
          description: Counts and ids only.
          additionalProperties: {type: string}
    SchedulerTaskKind:
      type: string
      enum: [add, refine, working_memory_refresh, preload, activation_rebuild, usage_lifecycle, retention_purge, reembed]
    SchedulerTaskEnvelope:
      type: object
      required: [task]
      properties:
        task: {$ref: '#/components/schemas/SchedulerTask'}
    SchedulerStatus:
      type: object
      required: [scope, counts, tasks, sessions, embeddings]
      properties:
        scope: {type: string, enum: [tenant, platform]}
        counts:
          type: object
          description: Task counts by kind, then by state.
          additionalProperties:
            type: object
            additionalProperties: {type: integer}
        tasks:
          type: array
          description: Recent tasks.
          items: {$ref: '#/components/schemas/SchedulerTask'}
        sessions:
          type: object
          required: [active, searches, preload_hits]
          properties:
            active: {type: integer}
            searches: {type: integer}
            preload_hits: {type: integer}
            preload_hit_rate: {type: number}
        embeddings:
          type: object
          required: [embedder]
          properties:
            embedder: {type: string}
            stale: {type: integer, description: 'Stored embeddings made by another embedder, awaiting re-embedding.'}
    WorkingMemory:
      type: object
      required: [session_id, memories]
      properties:
        session_id: {type: string}
        memories:
          type: array
          items: {$ref: '#/components/schemas/MemoryItem'}
    SessionTurnRequest:
      type: object
      additionalProperties: false
      required: [text]
      properties:
        text: {type: string, minLength: 1}
    Activation:
      type: object
      required: [id, text, label, memory_ids, built_at, approx_tokens]
      properties:
        id: {type: string, description: 'SHA-256 hex of the prefix text.'}
        text: {type: string}
        label: {$ref: '#/components/schemas/Label'}
        memory_ids:
          type: array
          items: {type: string, format: uuid}
        built_at: {type: string, format: date-time}
        approx_tokens: {type: integer}
    ArtifactKind:
      type: string
      description: parametric (an adapter such as LoRA) or kv_snapshot (a backend's KV cache of an activation prefix).
      enum: [parametric, kv_snapshot]
    ParametricDetails:
      type: object
      additionalProperties: false
      required: [base_model, rank, target_modules, format]
      properties:
        base_model: {type: string, minLength: 1}
        rank: {type: integer, minimum: 1, maximum: 65536}
        alpha: {type: number, exclusiveMinimum: 0}
        target_modules:
          type: array
          minItems: 1
          maxItems: 256
          items: {type: string}
        format: {type: string, minLength: 1, examples: [peft-safetensors, gguf-lora]}
    KVSnapshotDetails:
      type: object
      additionalProperties: false
      required: [activation_prefix_id, backend, model, slot_format]
      properties:
        activation_prefix_id: {type: string, minLength: 1, description: 'The id of the activation prefix cached.'}
        backend: {type: string, minLength: 1, examples: [llama.cpp]}
        model: {type: string, minLength: 1}
        slot_format: {type: string, minLength: 1, examples: [llama.cpp-slot-v1]}
    CreateArtifactRequest:
      type: object
      additionalProperties: false
      required: [kind, name]
      properties:
        kind: {$ref: '#/components/schemas/ArtifactKind'}
        name: {type: string, minLength: 1}
        description: {type: string, maxLength: 4000}
        label: {$ref: '#/components/schemas/Label'}
        subspace: {type: string, description: 'persona (default), team/<name> or tenant.'}
        parametric: {$ref: '#/components/schemas/ParametricDetails'}
        kv_snapshot: {$ref: '#/components/schemas/KVSnapshotDetails'}
        derived_from:
          type: object
          description: Training provenance, so erasure of a memory or subject reaches the artifact.
          additionalProperties: false
          properties:
            memory_ids:
              type: array
              items: {type: string, format: uuid}
            subjects:
              type: array
              items: {type: string}
        on_subject_erasure:
          type: string
          enum: [delete, flag]
          default: delete
          description: delete every version, or keep it flagged (downloads then need accept_flagged).
    ArtifactFlag:
      type: object
      required: [reason, flagged_at]
      properties:
        reason: {type: string}
        flagged_at: {type: string, format: date-time}
    Artifact:
      type: object
      required: [id, kind, name, version, label, subspace, state, derived_from, on_subject_erasure, flags, owned_by_caller, created_at, content_url]
      properties:
        id: {type: string, format: uuid}
        kind: {$ref: '#/components/schemas/ArtifactKind'}
        name: {type: string}
        version: {type: integer, minimum: 1}
        label: {$ref: '#/components/schemas/Label'}
        subspace: {type: string}
        state: {type: string, enum: [pending, ready]}
        size: {type: integer, description: 'Bytes, once uploaded.'}
        sha256: {type: string, description: 'Hex SHA-256 of the content, once uploaded.'}
        chunk_count: {type: integer}
        description: {type: string}
        parametric: {$ref: '#/components/schemas/ParametricDetails'}
        kv_snapshot: {$ref: '#/components/schemas/KVSnapshotDetails'}
        derived_from:
          type: object
          required: [memory_ids, subject_hashes]
          properties:
            memory_ids:
              type: array
              items: {type: string, format: uuid}
            subject_hashes:
              type: array
              items: {type: string}
        on_subject_erasure: {type: string, enum: [delete, flag]}
        flags:
          type: array
          items: {$ref: '#/components/schemas/ArtifactFlag'}
        owned_by_caller: {type: boolean}
        created_at: {type: string, format: date-time}
        content_url: {type: string, description: '/v1/artifacts/{id}/content'}
    ArtifactEnvelope:
      type: object
      required: [artifact]
      properties:
        artifact: {$ref: '#/components/schemas/Artifact'}
    ChatMessage:
      type: object
      additionalProperties: false
      required: [role, content]
      properties:
        role: {type: string, enum: [system, user, assistant]}
        content: {type: string, minLength: 1}
    ChatRequest:
      type: object
      description: Exactly one of `messages` (the last one the user's) and `query` (a single user message).
      additionalProperties: false
      oneOf:
        - required: [messages]
        - required: [query]
      properties:
        messages:
          type: array
          minItems: 1
          maxItems: 200
          items: {$ref: '#/components/schemas/ChatMessage'}
        query: {type: string, minLength: 1}
        session_id: {type: string, minLength: 1, maxLength: 128, description: 'Groups turns for working memory; absent starts a new session.'}
        cubes:
          type: array
          description: Cubes (ids or names) to retrieve from; absent is every cube the role may read.
          items: {type: string}
        top_k: {type: integer, minimum: 1, maximum: 50, default: 8}
        stream: {type: boolean, default: false, description: 'Answer as server-sent events.'}
        temperature: {type: number, minimum: 0, maximum: 2, default: 0.7}
        write_memories: {type: boolean, default: true, description: 'Store the turn as new memories.'}
        cube: {type: string, description: 'Where new memories go (id or name); absent is the persona''s default cube.'}
    ChatMemoryUse:
      type: object
      description: A memory whose text went into the prompt; never its text.
      required: [id, label, cube, source]
      properties:
        id: {type: string, format: uuid}
        label: {$ref: '#/components/schemas/Label'}
        cube: {type: string, format: uuid}
        source: {type: string, enum: [activation, working_memory, retrieved]}
    ChatPreparation:
      type: object
      description: What the turn uses; the stream's `memories` event.
      required: [memories_used, activation_id, session_id, label, watermarked]
      properties:
        memories_used:
          type: array
          items: {$ref: '#/components/schemas/ChatMemoryUse'}
        activation_id: {type: [string, 'null'], description: 'The activation prefix the prompt started with.'}
        session_id: {type: string}
        label:
          type: [string, 'null']
          description: The highest label among the memories used; new memories from the turn are labelled at least this.
        watermarked: {type: boolean, description: 'Whether the answer carries a watermark for this caller.'}
    ChatResponse:
      description: The answer and its metadata; the stream's `done` event is the same without `answer`.
      allOf:
        - $ref: '#/components/schemas/ChatPreparation'
        - type: object
          required: [written, model]
          properties:
            answer: {type: string, description: 'Watermarked where policy says so. Absent in the `done` event.'}
            written:
              type: array
              description: Memories written from the turn.
              items: {type: string, format: uuid}
            model: {type: string, description: 'The model that answered.'}
    ChatDelta:
      type: object
      description: The stream's `delta` event, a piece of the answer (marks included).
      required: [text]
      properties:
        text: {type: string}
    PublishOfferingRequest:
      type: object
      description: Exactly one of `cube` and `memory_ids`.
      additionalProperties: false
      required: [name, audience]
      oneOf:
        - required: [cube]
        - required: [memory_ids]
      properties:
        name: {type: string, minLength: 1}
        description: {type: string, default: ''}
        cube: {type: string, description: 'A cube id or name.'}
        memory_ids:
          type: array
          minItems: 1
          items: {type: string, format: uuid}
        label_ceiling:
          $ref: '#/components/schemas/Label'
          description: Nothing above it is offered (default internal, never above the publisher's clearance).
        audience:
          type: object
          description: Who may see the offering (default deny).
          additionalProperties: false
          required: [tenants]
          properties:
            tenants:
              type: array
              minItems: 1
              description: Tenant names.
              items: {type: string}
            roles:
              type: array
              description: Roles in those tenants; empty means any role.
              items: {type: string}
    Offering:
      type: object
      description: An offering as its publisher sees it.
      required: [id, name, description, kind, label_ceiling, audience, subscribers, published_by, created_at]
      properties:
        id: {type: string, format: uuid}
        name: {type: string}
        description: {type: string}
        kind: {type: string, enum: [cube, selection]}
        cube: {$ref: '#/components/schemas/Cube'}
        memory_ids:
          type: array
          items: {type: string, format: uuid}
        label_ceiling: {$ref: '#/components/schemas/Label'}
        audience:
          type: object
          required: [tenants, roles]
          properties:
            tenants:
              type: array
              items: {type: string}
            roles:
              type: array
              items: {type: string}
        subscribers:
          type: array
          items:
            type: object
            required: [tenant, subscription, since]
            properties:
              tenant: {type: string}
              subscription: {type: string, format: uuid}
              since: {type: string, format: date-time}
        published_by: {type: string, format: uuid}
        created_at: {type: string, format: date-time}
    OfferingEnvelope:
      type: object
      required: [offering]
      properties:
        offering: {$ref: '#/components/schemas/Offering'}
    RevokeOfferingRequest:
      type: object
      additionalProperties: false
      required: [tenant]
      properties:
        tenant: {type: string, minLength: 1, description: 'The audience tenant to remove (a name).'}
    CatalogEntry:
      type: object
      description: An offering as an audience tenant sees it.
      required: [id, name, description, publisher, kind, label_ceiling, audience_roles, created_at]
      properties:
        id: {type: string, format: uuid}
        name: {type: string}
        description: {type: string}
        publisher: {type: string, description: 'The publishing tenant''s name.'}
        kind: {type: string, enum: [cube, selection]}
        label_ceiling: {$ref: '#/components/schemas/Label'}
        audience_roles:
          type: array
          items: {type: string}
        subscription: {type: string, format: uuid, description: 'The caller''s tenant''s subscription, when there is one.'}
        created_at: {type: string, format: date-time}
    SubscribeRequest:
      type: object
      additionalProperties: false
      required: [offering_id]
      properties:
        offering_id: {type: string, format: uuid}
    Subscription:
      type: object
      required: [id, offering, readable, created_at]
      properties:
        id: {type: string, format: uuid}
        offering: {$ref: '#/components/schemas/CatalogEntry'}
        readable: {type: boolean, description: 'Whether the acting role may read through it (the offering''s audience roles admit it).'}
        created_at: {type: string, format: date-time}
    SubscriptionEnvelope:
      type: object
      required: [subscription]
      properties:
        subscription: {$ref: '#/components/schemas/Subscription'}
    SubscriptionSearchRequest:
      type: object
      additionalProperties: false
      required: [query]
      properties:
        query: {type: string, minLength: 1}
        top_k: {type: integer, minimum: 1, maximum: 1000, default: 10}
    SubscribedMemory:
      type: object
      description: A publisher's memory as a subscriber receives it (redacted and watermarked for the subscriber), with where it came from.
      required: [id, text, tags, memory_type, state, version, info, created_at, updated_at, label, provenance]
      properties:
        id: {type: string, format: uuid}
        text: {type: string}
        key: {type: string}
        tags: {$ref: '#/components/schemas/Tags'}
        memory_type: {$ref: '#/components/schemas/MemoryType'}
        state: {$ref: '#/components/schemas/MemoryState'}
        version: {type: integer}
        background: {type: string}
        confidence: {type: number}
        info: {$ref: '#/components/schemas/Info'}
        created_at: {type: string, format: date-time}
        updated_at: {type: string, format: date-time}
        label: {$ref: '#/components/schemas/Label'}
        provenance:
          type: object
          required: [publisher, offering, memory, label]
          properties:
            publisher: {type: string}
            offering: {type: string, format: uuid}
            memory: {type: string, format: uuid}
            label: {$ref: '#/components/schemas/Label'}
    SubscribedSearchResult:
      type: object
      required: [memory, score]
      properties:
        memory: {$ref: '#/components/schemas/SubscribedMemory'}
        score: {type: number}
    TokenRequest:
      type: object
      additionalProperties: false
      required: [tenant, username, password]
      properties:
        tenant: {type: string, minLength: 1, description: 'The tenant''s name.'}
        username: {type: string, minLength: 1}
        password: {type: string, format: password}
    SessionToken:
      type: object
      required: [access_token, token_type, expires_at]
      properties:
        access_token: {type: string, description: 'An `mgt_` session token.'}
        token_type: {const: Bearer}
        expires_at: {type: string, format: date-time}
    NamedRef:
      type: object
      required: [id, name]
      properties:
        id: {type: string}
        name: {type: string}
    Me:
      type: object
      required: [kind, roles, credential]
      properties:
        kind: {type: string, enum: [user, operator]}
        tenant: {$ref: '#/components/schemas/NamedRef'}
        user: {$ref: '#/components/schemas/NamedRef'}
        operator: {$ref: '#/components/schemas/NamedRef'}
        role: {type: string, description: 'The role this request acts as.'}
        roles:
          type: array
          items: {type: string}
        default_role: {type: string}
        clearance: {$ref: '#/components/schemas/Label'}
        credential: {type: string, enum: [api_key, session_token]}
    APIKey:
      type: object
      required: [id, created_at]
      properties:
        id: {type: string}
        name: {type: string}
        expires_at: {type: string, format: date-time}
        revoked_at: {type: string, format: date-time}
        created_at: {type: string, format: date-time}
    CreateKeyRequest:
      type: object
      additionalProperties: false
      properties:
        name: {type: string}
        expires_in: {type: integer, minimum: 1, description: 'Lifetime in seconds; absent never expires.'}
    CreatedAPIKey:
      type: object
      required: [key, api_key]
      properties:
        key: {$ref: '#/components/schemas/APIKey'}
        api_key: {type: string, description: 'The secret `mgk_` key, shown once.'}
    ManagedKey:
      type: object
      required: [id, name, expires_at, created_at, scopes]
      properties:
        id: {type: string}
        name: {type: [string, 'null']}
        expires_at: {type: [string, 'null'], format: date-time}
        revoked_at: {type: [string, 'null'], format: date-time, description: 'In listings only.'}
        created_at: {type: string, format: date-time}
        scopes:
          type: [array, 'null']
          description: Recorded and returned, not enforced.
          items: {type: string}
    CreateUserKeyRequest:
      type: object
      additionalProperties: false
      properties:
        name: {type: string}
        expires_in: {type: integer, minimum: 1, description: 'Lifetime in seconds.'}
        scopes:
          type: array
          maxItems: 64
          items: {type: string, minLength: 1, maxLength: 128, pattern: '^\S+$'}
    CreatedManagedKey:
      type: object
      required: [key, api_key]
      properties:
        key: {$ref: '#/components/schemas/ManagedKey'}
        api_key: {type: string, description: 'The secret `mgk_` key, shown once.'}
    Tenant:
      type: object
      required: [id, name, status, created_at]
      properties:
        id: {type: string, format: uuid}
        name: {type: string}
        status: {type: string, enum: [active, suspended]}
        created_at: {type: string, format: date-time}
    TenantDetailEnvelope:
      type: object
      required: [tenant]
      properties:
        tenant:
          allOf:
            - $ref: '#/components/schemas/Tenant'
            - type: object
              required: [users]
              properties:
                users: {type: integer, description: 'The number of users.'}
    CreateTenantRequest:
      type: object
      additionalProperties: false
      required: [name]
      properties:
        name: {type: string, minLength: 1}
    User:
      type: object
      required: [id, tenant, username, roles, default_role, status, has_password, created_at]
      properties:
        id: {type: string, format: uuid}
        tenant: {type: string, description: 'The tenant''s name.'}
        username: {type: string}
        roles:
          type: array
          items: {type: string}
        default_role: {type: string}
        status: {type: string, enum: [active, disabled]}
        has_password: {type: boolean}
        created_at: {type: string, format: date-time}
    UserEnvelope:
      type: object
      required: [user]
      properties:
        user: {$ref: '#/components/schemas/User'}
    CreateUserRequest:
      type: object
      additionalProperties: false
      required: [username, roles]
      properties:
        username: {type: string, minLength: 1}
        roles:
          type: array
          items: {type: string}
        default_role: {type: string, description: 'One of `roles`; absent is the first.'}
        password: {type: string, format: password, description: 'Enables `POST /v1/auth/token` for the user.'}
    CreatedUser:
      type: object
      required: [user, api_key]
      properties:
        user: {$ref: '#/components/schemas/User'}
        api_key: {type: string, description: 'The user''s first `mgk_` key, shown once.'}
    GrantRoleRequest:
      type: object
      additionalProperties: false
      required: [role]
      properties:
        role: {type: string, minLength: 1}
    ResetPasswordRequest:
      type: object
      additionalProperties: false
      required: [password]
      properties:
        password: {type: string, format: password}
    RoleDefinition:
      type: object
      required: [name, description, clearance, permissions, grants]
      properties:
        name: {type: string}
        description: {type: string}
        clearance: {$ref: '#/components/schemas/Label'}
        permissions:
          type: array
          items:
            type: string
            enum: [users.manage, keys.manage, audit.read, subjects.export, subjects.erase, subjects.name, labels.lower, policy.manage, cubes.export, cubes.import, memstore.publish, memstore.subscribe, artifacts.write, artifacts.read]
        grants:
          type: array
          items:
            type: object
            required: [subspace, access]
            properties:
              subspace: {type: string, description: 'persona, persona:<role>, team/<name>, team/*, tenant.'}
              access:
                type: array
                items: {type: string, enum: [read, write, manage]}
    PolicyFile:
      type: object
      additionalProperties: false
      required: [name, content]
      properties:
        name: {type: string, minLength: 1, examples: [roles.yaml]}
        content: {type: string}
    Policy:
      type: object
      required: [hash, files]
      properties:
        hash: {type: string, description: 'SHA-256 of the loaded policy.'}
        files:
          type: array
          items: {$ref: '#/components/schemas/PolicyFile'}
    ApplyPolicyRequest:
      type: object
      additionalProperties: false
      required: [files]
      properties:
        files:
          type: array
          minItems: 1
          description: Every `*.yaml` file of the new policy directory, roles.yaml included.
          items: {$ref: '#/components/schemas/PolicyFile'}
    AppliedPolicy:
      type: object
      required: [hash, previous_hash]
      properties:
        hash: {type: string}
        previous_hash: {type: string}
    GatewayStatus:
      type: object
      required: [version, policy_hash, ready, tenants]
      properties:
        version: {type: string, examples: [0.5.0]}
        policy_hash: {type: string}
        ready: {type: boolean}
        tenants: {type: [integer, 'null'], description: 'Operators only; null for tenant users.'}
    AuditPublicKey:
      type: object
      required: [algorithm, public_key, key_id]
      properties:
        algorithm: {const: Ed25519}
        public_key: {type: string, contentEncoding: base64, description: 'The raw 32-byte key.'}
        key_id: {type: string}
    KeyRotation:
      type: object
      required: [rewrapped_keys, kek_id]
      properties:
        rewrapped_keys: {type: integer}
        kek_id: {type: string, description: 'The new master key''s id.'}
    TraceRequest:
      type: object
      additionalProperties: false
      required: [text]
      properties:
        text: {type: string, minLength: 1, description: 'The leaked excerpt.'}
    WatermarkTrace:
      type: object
      description: The first recipient's fields at the top level, every recipient in `recipients`.
      required: [method, confidence, recipients]
      properties:
        tenant: {type: string}
        user: {type: string}
        request_id: {type: string}
        time: {type: string, format: date-time}
        method: {type: string, description: 'How the text was attributed (the watermark or keyed fingerprints).'}
        confidence: {type: number}
        recipients:
          type: array
          items:
            type: object
            required: [tenant, time, action]
            properties:
              tenant: {type: string}
              user: {type: string}
              user_id: {type: string}
              role: {type: string}
              request_id: {type: string}
              time: {type: string, format: date-time}
              action: {type: string}
              memory_id: {type: string, format: uuid}
    ProductEnvelope:
      type: object
      description: MemOS's response envelope. Errors are not wrapped; they are problem documents with the real status.
      required: [code, message, data]
      properties:
        code: {const: 200}
        message: {type: string}
        data: {}
    ProductMessage:
      type: object
      description: A MemOS MessageDict.
      additionalProperties: false
      required: [role, content]
      properties:
        role: {type: string, minLength: 1}
        content: {type: string, minLength: 1}
        chat_time: {type: string, description: 'ISO 8601, or yyyy-MM-dd HH:mm:ss (UTC).'}
        message_id: {type: string}
        name: {type: string, description: 'The speaker.'}
    ProductAddRequest:
      type: object
      description: >-
        MemOS APIADDRequest. Exactly one of `messages` and `memory_content`. `operation` and
        `doc_path` are refused when non-null, `is_feedback: true` is refused; `chat_history` is
        accepted and ignored.
      additionalProperties: false
      oneOf:
        - required: [messages]
        - required: [memory_content]
      properties:
        user_id: {type: string, description: 'Must be the credential''s own username or user id (403 otherwise).'}
        session_id: {type: string, description: 'Kept in the memories'' info.session_id.'}
        mem_cube_id: {type: string, description: 'A cube id or name; not with writable_cube_ids.'}
        writable_cube_ids:
          type: array
          minItems: 1
          items: {type: string}
        async_mode: {type: string, enum: [async, sync], default: async}
        custom_tags: {$ref: '#/components/schemas/Tags'}
        info:
          type: object
          additionalProperties: {type: string}
        messages:
          type: array
          minItems: 1
          items: {$ref: '#/components/schemas/ProductMessage'}
        memory_content: {type: string, minLength: 1}
        chat_history: {type: array}
        is_feedback: {type: boolean, description: 'Only false is accepted.'}
        doc_path: {type: 'null', description: 'Refused; this gateway never reads server files.'}
        source: {type: string, description: 'Kept in the memories'' info.source.'}
        operation: {type: 'null', description: 'Refused; what a request may do comes from the credential''s role.'}
    ProductSearchRequest:
      type: object
      description: >-
        MemOS APISearchRequest. `mode`, `session_id`, `pref_top_k`, `include_preference`,
        `internet_search`, `threshold`, `chat_history` and `moscube` are accepted and ignored;
        `filter` and `operation` are refused when non-null.
      additionalProperties: false
      required: [query]
      properties:
        query: {type: string, minLength: 1}
        user_id: {type: string, description: 'Must be the credential''s own username or user id (403 otherwise).'}
        mem_cube_id: {type: string}
        readable_cube_ids:
          type: array
          minItems: 1
          items: {type: string}
        mode: {type: string, enum: [fast, fine, mixture]}
        session_id: {type: string}
        top_k: {type: integer, minimum: 1, maximum: 1000, default: 10}
        pref_top_k: {type: number}
        include_preference: {type: boolean}
        filter: {type: 'null', description: 'Refused; use /v1/memories/search with filters.'}
        internet_search: {type: boolean}
        threshold: {type: number}
        chat_history: {type: array}
        moscube: {type: boolean}
        operation: {type: 'null', description: 'Refused.'}
    ProductChatRequest:
      type: object
      description: >-
        MemOS ChatRequest / APIChatCompleteRequest. `mode`, `internet_search`, `threshold`,
        `include_preference`, `pref_top_k`, `max_tokens`, `top_p` and `moscube` are accepted and
        ignored; `filter` is refused when non-null.
      additionalProperties: false
      required: [query]
      properties:
        user_id: {type: string, description: 'Must be the credential''s own username or user id (403 otherwise).'}
        query: {type: string, minLength: 1}
        mem_cube_id: {type: string, description: 'Read from and write to this cube.'}
        readable_cube_ids:
          type: array
          items: {type: string}
        writable_cube_ids:
          type: array
          maxItems: 1
          description: A chat turn is stored in one cube.
          items: {type: string}
        history:
          type: array
          items: {$ref: '#/components/schemas/ProductMessage'}
        mode: {type: string}
        internet_search: {type: boolean}
        system_prompt: {type: string, description: 'Extra instructions, after the gateway''s own.'}
        base_prompt: {type: string, description: 'Used when system_prompt is absent.'}
        top_k: {type: integer, minimum: 1, maximum: 50, default: 10}
        threshold: {type: number}
        session_id: {type: string}
        include_preference: {type: boolean}
        pref_top_k: {type: number}
        filter: {type: 'null', description: 'Refused.'}
        model_name_or_path: {type: string, description: 'When given, must be the model this gateway serves (400 otherwise).'}
        max_tokens: {type: number}
        temperature: {type: number, minimum: 0, maximum: 2}
        top_p: {type: number}
        add_message_on_answer: {type: boolean, default: true, description: 'Store the turn as memories.'}
        moscube: {type: boolean}
    ProductGetMemoryRequest:
      type: object
      description: MemOS GetMemoryRequest. `page` and `page_size` go together; `filter` is refused when non-null.
      additionalProperties: false
      required: [mem_cube_id]
      properties:
        mem_cube_id: {type: string, minLength: 1}
        user_id: {type: string, description: 'Must be the credential''s own username or user id (403 otherwise).'}
        include_preference: {type: boolean}
        include_tool_memory: {type: boolean}
        include_skill_memory: {type: boolean}
        filter: {type: 'null', description: 'Refused.'}
        page: {type: integer, minimum: 1}
        page_size: {type: integer, minimum: 1, maximum: 1000}
    ProductDeleteMemoryRequest:
      type: object
      description: MemOS DeleteMemoryRequest. `file_ids` and `filter` are refused when non-null.
      additionalProperties: false
      required: [memory_ids]
      properties:
        memory_ids:
          type: array
          minItems: 1
          maxItems: 1000
          items: {type: string}
        writable_cube_ids:
          type: array
          minItems: 1
          description: When given, every memory must be in one of these cubes.
          items: {type: string}
        mem_cube_id: {type: string}
        user_id: {type: string, description: 'Must be the credential''s own username or user id (403 otherwise).'}
        file_ids: {type: 'null', description: 'Refused.'}
        filter: {type: 'null', description: 'Refused.'}
    ProductMemory:
      type: object
      description: A memory in MemOS's TextualMemoryItem shape, plus this gateway's label and cube_id.
      required: [id, memory, ref_id, metadata]
      properties:
        id: {type: string, format: uuid}
        memory: {type: string, description: 'The text, redacted and watermarked for the caller.'}
        ref_id: {type: string, description: '[<first 8 characters of the id>]'}
        metadata:
          type: object
          required: [id, memory, ref_id, user_id, session_id, status, type, key, tags, confidence, background, memory_type, sources, embedding, usage, created_at, updated_at, label, cube_id, info]
          properties:
            id: {type: string, format: uuid}
            memory: {type: string}
            ref_id: {type: string}
            user_id: {type: string, description: 'The memory''s data subject.'}
            session_id: {type: [string, 'null']}
            status: {$ref: '#/components/schemas/MemoryState'}
            type: {const: fact}
            key: {type: [string, 'null']}
            tags: {$ref: '#/components/schemas/Tags'}
            confidence: {type: [number, 'null']}
            background: {type: [string, 'null']}
            memory_type: {$ref: '#/components/schemas/MemoryType'}
            sources: {type: array, maxItems: 0}
            embedding: {type: array, maxItems: 0}
            usage: {type: array, maxItems: 0}
            created_at: {type: string, format: date-time}
            updated_at: {type: string, format: date-time}
            relativity: {type: number, description: 'The search score (search results only).'}
            label: {$ref: '#/components/schemas/Label'}
            cube_id: {type: string, format: uuid}
            info: {$ref: '#/components/schemas/Info'}
    ProductCubeMemories:
      type: object
      required: [cube_id, memories, total_nodes]
      properties:
        cube_id: {type: string, format: uuid}
        memories:
          type: array
          items: {$ref: '#/components/schemas/ProductMemory'}
        total_nodes: {type: integer}
    ProductSearchData:
      type: object
      description: Text memories grouped by cube, cubes in order of their best memory; the other kinds are empty.
      required: [text_mem, act_mem, para_mem, pref_mem, tool_mem, skill_mem, pref_note, pref_string]
      properties:
        text_mem:
          type: array
          items: {$ref: '#/components/schemas/ProductCubeMemories'}
        act_mem: {type: array, maxItems: 0}
        para_mem: {type: array, maxItems: 0}
        pref_mem: {type: array, maxItems: 0}
        tool_mem: {type: array, maxItems: 0}
        skill_mem: {type: array, maxItems: 0}
        pref_note: {const: ''}
        pref_string: {const: ''}
    ProductAddedMemory:
      type: object
      required: [memory, memory_id, memory_type, cube_id, label]
      properties:
        memory: {type: string}
        memory_id: {type: string, format: uuid}
        memory_type: {$ref: '#/components/schemas/MemoryType'}
        cube_id: {type: string, format: uuid}
        label: {$ref: '#/components/schemas/Label'}
    ProductGetMemoryData:
      type: object
      description: MemOS's graph shape (nodes, edges) for one cube.
      required: [text_mem, pref_mem]
      properties:
        text_mem:
          type: array
          items:
            type: object
            required: [cube_id, memories, total_nodes, total_edges]
            properties:
              cube_id: {type: string, format: uuid}
              memories:
                type: object
                required: [nodes, edges]
                properties:
                  nodes:
                    type: array
                    items: {$ref: '#/components/schemas/ProductMemory'}
                  edges: {type: array, maxItems: 0}
              total_nodes: {type: integer}
              total_edges: {const: 0}
        pref_mem:
          type: array
          items: {$ref: '#/components/schemas/ProductCubeMemories'}
    ProductReference:
      type: object
      description: A memory a chat answer drew on (never its text).
      required: [id, ref_id, label, cube_id, source]
      properties:
        id: {type: string, format: uuid}
        ref_id: {type: string}
        label: {$ref: '#/components/schemas/Label'}
        cube_id: {type: string, format: uuid}
        source: {type: string, enum: [activation, working_memory, retrieved]}
    ProductChatData:
      type: object
      required: [response, reasoning, references, session_id, written, label]
      properties:
        response: {type: string, description: 'The answer, watermarked where policy says so.'}
        reasoning: {type: 'null'}
        references:
          type: array
          items: {$ref: '#/components/schemas/ProductReference'}
        session_id: {type: string}
        written:
          type: array
          items: {type: string, format: uuid}
        label: {type: [string, 'null']}
    ProductStreamEvent:
      description: One `data:` event of the MemOS chat stream.
      oneOf:
        - type: object
          required: [type, data]
          properties:
            type: {const: reference}
            data:
              type: array
              items: {$ref: '#/components/schemas/ProductReference'}
        - type: object
          required: [type, data]
          properties:
            type: {const: text}
            data: {type: string}
        - type: object
          required: [type, data]
          properties:
            type: {const: end}
            data:
              type: object
              required: [session_id, written, label]
              properties:
                session_id: {type: string}
                written:
                  type: array
                  items: {type: string, format: uuid}
                label: {type: [string, 'null']}
        - type: object
          required: [type, content, status]
          properties:
            type: {const: error}
            content: {type: string, description: 'The problem''s detail.'}
            status: {type: integer}
    ProductDeleteData:
      type: object
      required: [status, deleted]
      properties:
        status: {const: success}
        deleted:
          type: array
          items: {type: string, format: uuid}
"""#
}
