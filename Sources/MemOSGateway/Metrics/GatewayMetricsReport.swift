import Foundation
import MemOSGovernance

#if canImport(Glibc)
import Glibc
#endif

/// What `GET /metrics` reports: HTTP traffic, the scheduler's queue and sessions, readiness,
/// the number of tenants, and the process's memory and descriptors. Platform-wide counts
/// only: no tenant, user, subject or memory appears in a label.
struct GatewayMetricsReport {
    let http: HTTPMetrics
    let governance: Governance

    func render(operator identity: AuthenticatedIdentity) async throws -> String {
        var out = PrometheusText()
        out.family("memos_build_info", type: "gauge", help: "The gateway's version and loaded policy hash.")
        out.sample("memos_build_info", [("version", ManagementRoutes.version), ("policy_hash", governance.policy.hash)], 1)
        out.family("memos_ready", type: "gauge", help: "1 when the store answers and the gateway can serve.")
        out.sample("memos_ready", [], await governance.isReady() ? 1 : 0)
        if let tenants = try await governance.identity.tenantCount(by: identity) {
            out.family("memos_tenants", type: "gauge", help: "Tenants on this gateway.")
            out.sample("memos_tenants", [], tenants)
        }
        renderHTTP(into: &out)
        await renderScheduler(into: &out)
        renderProcess(into: &out)
        return out.text
    }

    private func renderHTTP(into out: inout PrometheusText) {
        let snapshot = http.snapshot()
        out.family("memos_http_requests_total", type: "counter", help: "HTTP requests by method, route pattern and status.")
        for (key, count) in snapshot.requests {
            out.sample("memos_http_requests_total", [("method", key.method), ("route", key.route), ("status", String(key.status))], count)
        }
        out.family(
            "memos_http_request_duration_seconds", type: "histogram",
            help: "Time until the response starts (a streamed body may go on), by method and route pattern.")
        for (key, histogram) in snapshot.latencies {
            let labels = [("method", key.method), ("route", key.route)]
            for (index, bound) in HTTPMetrics.bucketBounds.enumerated() {
                out.sample(
                    "memos_http_request_duration_seconds_bucket", labels + [("le", PrometheusText.format(bound))],
                    histogram.buckets[index])
            }
            out.sample("memos_http_request_duration_seconds_bucket", labels + [("le", "+Inf")], histogram.count)
            out.sample("memos_http_request_duration_seconds_sum", labels, histogram.sum)
            out.sample("memos_http_request_duration_seconds_count", labels, histogram.count)
        }
        out.family("memos_http_requests_in_flight", type: "gauge", help: "Requests being answered now.")
        out.sample("memos_http_requests_in_flight", [], snapshot.inFlight)
    }

    private func renderScheduler(into out: inout PrometheusText) async {
        let status = await governance.scheduler.operatorStatus()
        out.family("memos_scheduler_tasks", type: "gauge", help: "Scheduler tasks in its bounded history, by kind and state.")
        for (kind, states) in status.counts.sorted(by: { $0.key.rawValue < $1.key.rawValue }) {
            for (state, count) in states.sorted(by: { $0.key.rawValue < $1.key.rawValue }) {
                out.sample("memos_scheduler_tasks", [("kind", kind.rawValue), ("state", state.rawValue)], count)
            }
        }
        out.family("memos_scheduler_sessions_active", type: "gauge", help: "Conversation sessions with working memory.")
        out.sample("memos_scheduler_sessions_active", [], status.activeSessions)
    }

    private func renderProcess(into out: inout PrometheusText) {
        out.family("process_start_time_seconds", type: "gauge", help: "When the gateway started, in Unix seconds.")
        out.sample("process_start_time_seconds", [], http.startedAt.timeIntervalSince1970.rounded())
        if let statm = try? String(contentsOfFile: "/proc/self/statm", encoding: .utf8),
            let pages = statm.split(separator: " ").dropFirst().first.flatMap({ Int($0) })
        {
            out.family("process_resident_memory_bytes", type: "gauge", help: "Resident memory.")
            out.sample("process_resident_memory_bytes", [], pages * Int(sysconf(Int32(_SC_PAGESIZE))))
        }
        if let descriptors = try? FileManager.default.contentsOfDirectory(atPath: "/proc/self/fd") {
            out.family("process_open_fds", type: "gauge", help: "Open file descriptors.")
            out.sample("process_open_fds", [], descriptors.count)
        }
    }
}
