import Foundation
import Hummingbird
import MemOSGovernance

/// `/v1/memstore`: publishing cubes as read-only offerings and subscribing across tenants.
///
/// Publisher side: `offerings` (publish, list, read, withdraw, revoke one audience tenant).
/// Subscriber side: `catalog` (offerings addressed to the caller's tenant), `subscriptions`
/// (subscribe, list, read, end) and reads through a subscription (search, list, get). There is
/// no write endpoint on the subscriber side: a subscription is read-only by construction.
struct MemStoreRoutes {
    let governance: Governance
    let body: JSONBody

    func register(on group: RouterGroup<GatewayRequestContext>) {
        registerPublisher(on: group)
        registerSubscriber(on: group)
    }

    private func registerPublisher(on group: RouterGroup<GatewayRequestContext>) {
        group.post("memstore/offerings") { request, context in
            let caller = try context.memoryCaller(for: request, identity: governance.identity)
            let input = try await body.decode(PublishOfferingRequest.self, from: request)
            let view = try await governance.memStore.publish(caller, input.draft)
            return try JSONCoding.response(OfferingEnvelope(offering: OfferingOutput(view)), status: .created)
        }
        group.get("memstore/offerings") { request, context in
            let caller = try context.memoryCaller(for: request, identity: governance.identity)
            let views = try await governance.memStore.offerings(caller)
            return try JSONCoding.response(OfferingsEnvelope(offerings: views.map(OfferingOutput.init)))
        }
        group.get("memstore/offerings/:id") { request, context in
            let caller = try context.memoryCaller(for: request, identity: governance.identity)
            let view = try await governance.memStore.offering(caller, id: try context.parameters.requireID("id"))
            return try JSONCoding.response(OfferingEnvelope(offering: OfferingOutput(view)))
        }
        group.delete("memstore/offerings/:id") { request, context in
            let caller = try context.memoryCaller(for: request, identity: governance.identity)
            try await governance.memStore.withdraw(caller, id: try context.parameters.requireID("id"))
            return Response(status: .noContent)
        }
        group.post("memstore/offerings/:id/revoke") { request, context in
            let caller = try context.memoryCaller(for: request, identity: governance.identity)
            let id = try context.parameters.requireID("id")
            let input = try await body.decode(RevokeOfferingRequest.self, from: request)
            let view = try await governance.memStore.revoke(caller, offeringID: id, tenant: input.tenant)
            return try JSONCoding.response(OfferingEnvelope(offering: OfferingOutput(view)))
        }
    }

    private func registerSubscriber(on group: RouterGroup<GatewayRequestContext>) {
        group.get("memstore/catalog") { request, context in
            let caller = try context.memoryCaller(for: request, identity: governance.identity)
            let entries = try await governance.memStore.catalog(caller)
            return try JSONCoding.response(CatalogEnvelope(offerings: entries.map(CatalogEntryOutput.init)))
        }
        group.post("memstore/subscriptions") { request, context in
            let caller = try context.memoryCaller(for: request, identity: governance.identity)
            let input = try await body.decode(SubscribeRequest.self, from: request)
            let view = try await governance.memStore.subscribe(caller, offeringID: input.offeringID)
            return try JSONCoding.response(SubscriptionEnvelope(subscription: SubscriptionOutput(view)), status: .created)
        }
        group.get("memstore/subscriptions") { request, context in
            let caller = try context.memoryCaller(for: request, identity: governance.identity)
            let views = try await governance.memStore.subscriptions(caller)
            return try JSONCoding.response(SubscriptionsEnvelope(subscriptions: views.map(SubscriptionOutput.init)))
        }
        group.get("memstore/subscriptions/:id") { request, context in
            let caller = try context.memoryCaller(for: request, identity: governance.identity)
            let view = try await governance.memStore.subscription(caller, id: try context.parameters.requireID("id"))
            return try JSONCoding.response(SubscriptionEnvelope(subscription: SubscriptionOutput(view)))
        }
        group.delete("memstore/subscriptions/:id") { request, context in
            let caller = try context.memoryCaller(for: request, identity: governance.identity)
            try await governance.memStore.unsubscribe(caller, id: try context.parameters.requireID("id"))
            return Response(status: .noContent)
        }
        group.post("memstore/subscriptions/:id/search") { request, context in
            let caller = try context.memoryCaller(for: request, identity: governance.identity)
            let id = try context.parameters.requireID("id")
            let input = try await body.decode(SubscriptionSearchRequest.self, from: request)
            let hits = try await governance.memStore.search(caller, subscription: id, query: input.query, topK: input.topK)
            return try JSONCoding.response(
                SubscribedSearchEnvelope(
                    results: hits.map { SubscribedSearchResultOutput(memory: SubscribedMemoryOutput($0.memory), score: $0.score) }))
        }
        group.get("memstore/subscriptions/:id/memories") { request, context in
            let caller = try context.memoryCaller(for: request, identity: governance.identity)
            let id = try context.parameters.requireID("id")
            let query = request.uri.queryParameters
            var limit = 50
            if let raw = query.get("limit") {
                guard let value = Int(raw) else {
                    throw RequestError.invalidField("limit", "must be an integer between 1 and 1000")
                }
                limit = value
            }
            let page = try await governance.memStore.list(caller, subscription: id, limit: limit, cursor: query.get("cursor"))
            return try JSONCoding.response(
                SubscribedMemoriesEnvelope(memories: page.memories.map(SubscribedMemoryOutput.init), nextCursor: page.nextCursor))
        }
        group.get("memstore/subscriptions/:id/memories/:memory") { request, context in
            let caller = try context.memoryCaller(for: request, identity: governance.identity)
            let memory = try await governance.memStore.get(
                caller, subscription: try context.parameters.requireID("id"), memory: try context.parameters.requireID("memory"))
            return try JSONCoding.response(SubscribedMemoryEnvelope(memory: SubscribedMemoryOutput(memory)))
        }
    }
}
