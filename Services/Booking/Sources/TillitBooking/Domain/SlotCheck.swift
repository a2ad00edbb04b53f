/// What one read of a booking's checks found (`BookingStore.slotCheck`).
enum SlotCheck: Sendable {
    /// The caller already booked with this idempotency key and the same request: its appointment.
    case replayed(AppointmentRecord)
    /// A new request: the session type, the practice's minimum notice in milliseconds (0 when
    /// it does not apply), and the free slot at the requested start if there is one.
    case checked(sessionType: SessionTypeRecord, noticeMillis: Int64, slot: FoundSlot?)
}
