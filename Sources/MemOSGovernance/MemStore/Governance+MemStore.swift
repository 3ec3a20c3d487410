/// MemStore over this governance stack's memories. It keeps no state of its own (every read
/// goes to the publisher's live memories), so a fresh value per use is as good as a shared one,
/// and erasure needs no observer: an erased memory is gone from the rows and indexes it reads.
extension Governance {
    public var memStore: MemStoreService { MemStoreService(memories: memories) }
}
